package io.declutter.runner.purge;

import liquibase.ChecksumVersion;
import liquibase.GlobalConfiguration;
import liquibase.Scope;
import liquibase.change.Change;
import liquibase.change.ChangeFactory;
import liquibase.change.ChangeMetaData;
import liquibase.change.CheckSum;
import liquibase.change.DatabaseChange;
import liquibase.change.core.SQLFileChange;
import liquibase.database.Database;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Liquibase's {@code sqlFile} change, reading its file once and skipping two per-character passes that leave the text
 * as it is; the same statements and the same checksums as Liquibase's own.
 *
 * <p>For every changeset Liquibase reads the file again each time it needs the SQL (to log it and to run it), copies
 * it character by character to expand {@code ${...}} changelog properties, and computes the checksum through a
 * stream that drops whitespace one byte at a time. For the generated code of a wide job (43 MB,
 * docs/benchmark.md#wide) those passes were most of the deploy's Java time. Here the file's text is read once per
 * change; it goes through Liquibase's expansion only when it holds a {@code ${}, as without one the expansion
 * returns the text unchanged; and the checksum of the current version (9) is the same MD5, of the file's bytes
 * without spaces, tabs, carriage returns and line feeds, computed over an array. Older checksum versions, and
 * changes that expand properties in their checksum, go to Liquibase's own code. {@code ReadOnceSqlFileChangeTest}
 * compares both on the golden files.
 */
@DatabaseChange(name = "sqlFile",
        description = "Allows you to specify any SQL statement and have it stored external in a file.",
        priority = ChangeMetaData.PRIORITY_DEFAULT + 1)
public class ReadOnceSqlFileChange extends SQLFileChange {

    private String text;
    private boolean expandInCheckSum;

    /** Makes Liquibase create this change for {@code sqlFile} in this JVM (a higher priority); idempotent. */
    static synchronized void register() {
        ChangeFactory factory = Scope.getCurrentScope().getSingleton(ChangeFactory.class);
        Change created = factory.create("sqlFile");
        if (!(created instanceof ReadOnceSqlFileChange)) {
            factory.register(new ReadOnceSqlFileChange());
        }
    }

    @Override
    public boolean supports(Database database) {
        return super.supports(database);
    }

    @Override
    public String getSql(boolean doExpandExpressions) {
        if (text == null) {
            text = super.getSql(false);
        }
        if (!doExpandExpressions || text == null || !text.contains("${")) {
            return text;
        }
        return super.getSql(true);
    }

    @Override
    public CheckSum generateCheckSum() {
        ChecksumVersion version = Scope.getCurrentScope().getChecksumVersion();
        if (version != ChecksumVersion.V9 || expandInCheckSum) {
            return super.generateCheckSum();
        }
        String sql = getSql(false);
        byte[] bytes = sql == null ? new byte[0] : sql.getBytes(GlobalConfiguration.FILE_ENCODING.getCurrentValue());
        // What AbstractSQLChange.NormalizingStream hands to the digest: every byte but ' ', '\n', '\r' and '\t'.
        int n = 0;
        for (byte b : bytes) {
            if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
                bytes[n++] = b;
            }
        }
        try {
            MessageDigest md5 = MessageDigest.getInstance("MD5");
            md5.update(bytes, 0, n);
            return CheckSum.parse(version.getVersion() + ":" + HexFormat.of().formatHex(md5.digest()));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void setDoExpandExpressionsInGenerateChecksum(Boolean doExpand) {
        super.setDoExpandExpressionsInGenerateChecksum(doExpand);
        expandInCheckSum = Boolean.TRUE.equals(doExpand);
    }

    @Override
    public void setPath(String fileName) {
        super.setPath(fileName);
        text = null;
    }

    @Override
    public void setEncoding(String encoding) {
        super.setEncoding(encoding);
        text = null;
    }

    @Override
    public void setRelativeToChangelogFile(Boolean relativeToChangelogFile) {
        super.setRelativeToChangelogFile(relativeToChangelogFile);
        text = null;
    }

    @Override
    public void setSql(String sql) {
        super.setSql(sql);
        text = null;
    }
}
