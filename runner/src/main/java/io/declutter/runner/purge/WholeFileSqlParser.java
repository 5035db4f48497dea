package io.declutter.runner.purge;

import liquibase.Scope;
import liquibase.change.AbstractSQLChange;
import liquibase.change.Change;
import liquibase.changelog.ChangeSet;
import liquibase.parser.LiquibaseSqlParser;
import liquibase.parser.SqlParserFactory;
import liquibase.util.StandardSqlParser;
import liquibase.util.StringClauses;

/**
 * Liquibase's SQL parser, except for a changeset whose SQL is sent whole: there the text is one clause, untokenized.
 *
 * <p>Liquibase tokenizes the SQL of every {@code sqlFile} even with {@code splitStatements="false"} and
 * {@code stripComments="false"}, and twice per changeset (once to log it, once to run it), only to join the tokens back
 * into the same text. For the generated procedures of a wide job (37 MB, docs/benchmark.md#wide) that tokenizing was
 * most of the deploy's time. When every change of the changeset keeps whitespace and comments and does not split,
 * the tokens' only use is that join, so the text itself is the same result; anything else (a split, stripped comments,
 * a parse without a changeset) goes to Liquibase's own parser. {@code WholeFileSqlParserTest} checks the equivalence
 * on generated files.
 */
public final class WholeFileSqlParser implements LiquibaseSqlParser {

    private static final WholeFileSqlParser INSTANCE = new WholeFileSqlParser();

    private final StandardSqlParser standard = new StandardSqlParser();

    /** Makes Liquibase use this parser in this JVM (above its own: a higher priority); idempotent. */
    static synchronized void register() {
        SqlParserFactory factory = Scope.getCurrentScope().getSingleton(SqlParserFactory.class);
        if (!(factory.getSqlParser() instanceof WholeFileSqlParser)) {
            factory.register(INSTANCE);
        }
    }

    @Override
    public StringClauses parse(String sqlBlock) {
        return standard.parse(sqlBlock);
    }

    @Override
    public StringClauses parse(String sqlBlock, boolean preserveWhitespace, boolean preserveComments) {
        return standard.parse(sqlBlock, preserveWhitespace, preserveComments);
    }

    @Override
    public StringClauses parse(String sqlBlock, boolean preserveWhitespace, boolean preserveComments,
                               ChangeSet changeSet) {
        if (preserveWhitespace && preserveComments && sentWhole(changeSet)) {
            return new StringClauses().append(sqlBlock);
        }
        return standard.parse(sqlBlock, preserveWhitespace, preserveComments, changeSet);
    }

    /** True when every change of the changeset is SQL that is neither split nor stripped of comments. */
    static boolean sentWhole(ChangeSet changeSet) {
        if (changeSet == null || changeSet.getChanges().isEmpty()) {
            return false;
        }
        for (Change change : changeSet.getChanges()) {
            if (!(change instanceof AbstractSQLChange sql)
                    || !Boolean.FALSE.equals(sql.isSplitStatements())
                    || !Boolean.FALSE.equals(sql.isStripComments())) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int getPriority() {
        return PRIORITY_SPECIALIZED;
    }
}
