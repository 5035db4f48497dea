package io.declutter.dialect.oracle;

import net.sourceforge.pmd.lang.LanguageProcessor;
import net.sourceforge.pmd.lang.LanguageProcessorRegistry;
import net.sourceforge.pmd.lang.LanguageVersion;
import net.sourceforge.pmd.lang.ast.Parser;
import net.sourceforge.pmd.lang.ast.RootNode;
import net.sourceforge.pmd.lang.ast.SemanticErrorReporter;
import net.sourceforge.pmd.lang.document.FileId;
import net.sourceforge.pmd.lang.document.TextDocument;
import net.sourceforge.pmd.lang.plsql.PLSQLLanguageModule;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * PMD's PL/SQL parser (net.sourceforge.pmd:pmd-plsql), the syntax check of every generated Oracle file: the
 * file as a whole (SQL*Plus script: statements ended by a line holding "/"), and each DDL statement held in
 * a {@code q'[...]'} literal for EXECUTE IMMEDIATE, parsed on its own.
 *
 * <p>PMD's grammar has no flashback query clause ({@code FROM t AS OF SCN expr alias}, Oracle SQL Reference,
 * flashback_query_clause), which the late-row check of the package body uses: that one clause, exactly as the
 * templates write it ({@link #FLASHBACK}), is taken out before parsing, and the rest of the statement is parsed.
 * {@code OraclePlsqlParseTest} checks that every generated file holding it holds it in that form only.
 */
public final class PlsqlParser implements AutoCloseable {

    private static final Pattern Q_LITERAL = Pattern.compile("q'\\[(.*?)]'", Pattern.DOTALL);

    /** The flashback query clause as the templates write it; PMD cannot parse it. */
    public static final String FLASHBACK = " AS OF SCN v_scn ";

    private final PLSQLLanguageModule module = PLSQLLanguageModule.getInstance();
    private final LanguageVersion version = module.getDefaultVersion();
    private final LanguageProcessor processor = module.createProcessor(module.newPropertyBundle());
    private final LanguageProcessorRegistry registry = LanguageProcessorRegistry.singleton(processor);

    /** The parse error of {@code text}, if any. */
    public Optional<String> error(String name, String text) {
        Parser.ParserTask task = new Parser.ParserTask(
                TextDocument.readOnlyString(text, FileId.fromPathLikeString(name), version),
                SemanticErrorReporter.noop(), registry);
        try {
            RootNode root = processor.services().getParser().parse(task);
            return root == null ? Optional.of(name + ": no syntax tree") : Optional.empty();
        } catch (RuntimeException e) {
            return Optional.of(name + ": " + e.getMessage());
        }
    }

    /** Parse errors of a generated file and of the SQL statements in its {@code q'[...]'} literals. */
    public List<String> errors(String name, String text) {
        text = text.replace(FLASHBACK, " ");
        List<String> errors = new ArrayList<>();
        error(name, text).ifPresent(errors::add);
        Matcher m = Q_LITERAL.matcher(text);
        int n = 0;
        while (m.find()) {
            String sql = m.group(1).strip();
            n++;
            String first = sql.split("\\s+", 2)[0].toUpperCase(java.util.Locale.ROOT);
            if (List.of("CREATE", "ALTER", "DECLARE", "BEGIN").contains(first)) {
                String statement = first.equals("DECLARE") || first.equals("BEGIN") ? sql + "\n/\n" : sql + "\n/\n";
                error(name + " (literal " + n + ")", statement).ifPresent(errors::add);
            }
        }
        return errors;
    }

    @Override
    public void close() throws Exception {
        registry.close();
    }
}
