package io.declutter.runner.purge;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.declutter.config.JobFile;
import io.declutter.dialect.JobProcedures;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * An erasure receipt (docs/archive.md#receipt): what a run erased (the root table and predicate, the number of root
 * keys, or their SHA-256 when the job says {@code receipt: {hashKeys: true}}, tables and row counts, first and last
 * delete, who ran it, what verify says) and where copies of the erased rows still exist and when they expire. It
 * never holds an erased value.
 */
public final class Receipt {

    private Receipt() {
    }

    /**
     * @param selection how an orphan or duplicate root chose its rows, in words (docs/design.md#orphan-roots,
     *                  docs/design.md#duplicate-roots); null for the other kinds
     */
    public record Root(String table, String predicate, String selection, Integer keys, List<String> keySha256,
                       String keysNote) {
    }

    public record TableCount(String table, long rowsErased) {
    }

    /** {@code result}: ok, failed, or not checked; {@code when}: now, or at the expiry of the backup. */
    public record Verify(String result, String when, String detail, List<String> problems) {
    }

    /** A place where copies of the erased rows are, or were. */
    public record Copy(String kind, String location, Long rows, String sha256, Instant created, String createdBy,
                       String state, Instant expires, Instant expired, String expiredBy) {
    }

    public record Document(String job, long run, String database, String runStatus, Instant started, Instant ended,
                           String startedBy, Root root, List<TableCount> tables, long rowsErased, Instant firstDelete,
                           Instant lastDelete, Verify verify, List<Copy> copies, Instant issued) {
    }

    public static Document build(Connection c, JobProcedures procs, JobFile jobFile, long run) throws SQLException {
        JobProcedures.RunInfo info = procs.runInfo(run);
        JobProcedures.ErasureFacts facts = procs.erasureFacts(run);
        StatusReport.RunStatus status = StatusReport.read(c, procs, run, jobFile.backupKeep());
        List<TableCount> tables = status.tables().stream().filter(t -> t.deleted() > 0)
                .map(t -> new TableCount(t.table(), t.deleted())).toList();
        boolean expired = "expired".equals(info.status());

        List<List<String>> keys = expired ? List.of() : procs.rootKeys(run);
        var job = jobFile.job();
        Root root;
        if (expired) {
            root = new Root(job.root().display(), job.rootPredicate().orElse(null), selection(job), null, null,
                    "the keys went with the backup when it expired");
        } else if (jobFile.receiptHashKeys()) {
            List<String> hashes = new ArrayList<>();
            for (List<String> key : keys) {
                hashes.add(Archive.hex(Archive.sha256().digest(String.join(":", key).getBytes(StandardCharsets.UTF_8))));
            }
            root = new Root(job.root().display(), job.rootPredicate().orElse(null), selection(job), keys.size(), hashes,
                    "SHA-256 of each key's values joined by ':' (a short key can be found again by trying values)");
        } else {
            root = new Root(job.root().display(), job.rootPredicate().orElse(null), selection(job), keys.size(), null,
                    "key values are not shown ('receipt: {hashKeys: true}' lists their SHA-256)");
        }

        Verify verify;
        if (expired) {
            verify = new Verify(facts.expiryNote() != null && facts.expiryNote().contains("verify before: OK") ? "ok"
                    : "not checked", "before the backup expired", facts.expiryNote(), List.of());
        } else {
            Verification.Result v = Verification.verify(c, procs, run);
            long present = v.rows().stream().mapToLong(Verification.Row::present).sum();
            long orphans = v.rows().stream().mapToLong(Verification.Row::orphans).sum();
            verify = new Verify(v.ok() ? "ok" : "failed", "now", present + " purged rows present, " + orphans
                    + " orphans", v.problems());
        }

        List<Copy> copies = new ArrayList<>();
        StatusReport.Backup b = status.backup();
        long inBackup = 0;
        if (!expired) {
            for (JobProcedures.BackupTable t : procs.backupTables()) {
                inBackup += procs.backupRows(run, t);
            }
        }
        copies.add(new Copy("backup tables", procs.schema() + " (" + procs.databaseName() + ")", inBackup, null, null, null,
                expired ? "dropped" : "present", b.expires(), b.expired(), b.expiredBy()));
        for (JobProcedures.ArchiveRecord a : b.archives()) {
            copies.add(new Copy("archive", a.location(), a.rows(), a.sha256(), a.created(), a.createdBy(),
                    Files.isDirectory(Path.of(a.location())) ? "present on this host" : "not found on this host",
                    null, null, null));
        }
        return new Document(procs.job(), run, procs.databaseName(), info.status(), info.started(), info.ended(),
                facts.startedBy(), root, tables, tables.stream().mapToLong(TableCount::rowsErased).sum(),
                facts.firstDelete(), facts.lastDelete(), verify, copies, Instant.now());
    }

    public static String json(Document d) throws com.fasterxml.jackson.core.JsonProcessingException {
        return new ObjectMapper().registerModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .enable(SerializationFeature.INDENT_OUTPUT)
                .setSerializationInclusion(JsonInclude.Include.NON_NULL)
                .writeValueAsString(d);
    }

    /** How an orphan or duplicate root chose its rows, in words; null for a condition or keys given per run. */
    static String selection(io.declutter.model.Job job) {
        return job.keysAtRunTime() || job.rootPredicate().isPresent() ? null : job.rows().describe().substring(2);
    }

    public static String text(Document d) {
        StringBuilder out = new StringBuilder();
        out.append("Erasure receipt: job ").append(d.job()).append(", run ").append(d.run()).append(" (")
                .append(d.runStatus()).append(") in database ").append(d.database()).append("\n");
        out.append("  root: ").append(d.root().table()).append(d.root().predicate() != null ? " WHERE "
                + d.root().predicate() : "").append(d.root().selection() != null ? ": " + d.root().selection() : "")
                .append(d.root().keys() != null ? ", " + d.root().keys() + " root keys" : "").append("\n");
        out.append(String.format("  erased: %,d rows in %d tables, first delete %s, last %s, started by %s%n",
                d.rowsErased(), d.tables().size(), d.firstDelete(), d.lastDelete(),
                d.startedBy() == null ? "(not recorded)" : d.startedBy()));
        out.append("  verify (").append(d.verify().when()).append("): ").append(d.verify().result())
                .append(d.verify().detail() == null ? "" : ": " + d.verify().detail()).append("\n");
        List<List<String>> rows = new ArrayList<>();
        d.tables().forEach(t -> rows.add(List.of(t.table(), String.format("%,d", t.rowsErased()))));
        out.append(TextTable.render(List.of("table", "rows erased"), rows));
        out.append("Copies:\n");
        for (Copy c : d.copies()) {
            out.append("  ").append(c.kind()).append(" ").append(c.location()).append(": ").append(c.state())
                    .append(c.rows() == null ? "" : String.format(", %,d rows", c.rows()))
                    .append(c.sha256() == null ? "" : ", sha256 " + c.sha256())
                    .append(c.expires() != null ? ", expires " + c.expires() : "")
                    .append(c.expired() != null ? ", expired " + c.expired() + " by " + c.expiredBy() : "")
                    .append("archive".equals(c.kind()) ? ", kept until its owner deletes it" : "")
                    .append(c.expires() == null && c.expired() == null && "backup tables".equals(c.kind())
                            ? ", kept until 'declutter expire'" : "").append("\n");
        }
        return out.toString();
    }

    /** A page for people: the same facts as the JSON, every value escaped. */
    public static String html(Document d) {
        StringBuilder h = new StringBuilder();
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>Erasure receipt: ")
                .append(esc(d.job())).append(" run ").append(d.run()).append("</title>\n<style>")
                .append("body{font-family:sans-serif;max-width:60em;margin:2em auto;color:#222}")
                .append("table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.3em .6em;text-align:left}")
                .append("td.n{text-align:right}.ok{color:#060}.bad{color:#a00}</style></head><body>\n");
        h.append("<h1>Erasure receipt</h1>\n<p>Job <b>").append(esc(d.job())).append("</b>, run <b>").append(d.run())
                .append("</b> (").append(esc(d.runStatus())).append(") in database <b>").append(esc(d.database()))
                .append("</b>. Issued ").append(d.issued()).append(".</p>\n");
        h.append("<h2>What was erased</h2>\n<dl><dt>Root</dt><dd>").append(esc(d.root().table()))
                .append(d.root().predicate() != null ? " where <code>" + esc(d.root().predicate()) + "</code>" : "")
                .append(d.root().selection() != null ? ": " + esc(d.root().selection()) : "")
                .append(d.root().keys() != null ? ", " + d.root().keys() + " root keys" : "").append(" (")
                .append(esc(d.root().keysNote())).append(")</dd>\n<dt>Rows</dt><dd id=\"rows\">")
                .append(String.format("%,d", d.rowsErased())).append(" in ").append(d.tables().size())
                .append(" tables</dd>\n<dt>Deletes</dt><dd>first ").append(d.firstDelete()).append(", last ")
                .append(d.lastDelete()).append(", started by ")
                .append(esc(d.startedBy() == null ? "(not recorded)" : d.startedBy())).append("</dd>\n<dt>Verify (")
                .append(esc(d.verify().when())).append(")</dt><dd id=\"verify\" class=\"")
                .append("ok".equals(d.verify().result()) ? "ok" : "bad").append("\">").append(esc(d.verify().result()))
                .append(d.verify().detail() == null ? "" : ": " + esc(d.verify().detail())).append("</dd></dl>\n");
        h.append("<table id=\"tables\"><tr><th>table</th><th>rows erased</th></tr>\n");
        d.tables().forEach(t -> h.append("<tr><td>").append(esc(t.table())).append("</td><td class=\"n\">")
                .append(String.format("%,d", t.rowsErased())).append("</td></tr>\n"));
        h.append("</table>\n");
        if (d.root().keySha256() != null && !d.root().keySha256().isEmpty()) {
            h.append("<details><summary>SHA-256 of the root keys</summary><ul>\n");
            d.root().keySha256().forEach(k -> h.append("<li><code>").append(k).append("</code></li>\n"));
            h.append("</ul></details>\n");
        }
        h.append("<h2>Where copies are</h2>\n<table id=\"copies\"><tr><th>copy</th><th>where</th><th>state</th>"
                + "<th>rows</th><th>checksum</th><th>expires</th></tr>\n");
        for (Copy c : d.copies()) {
            h.append("<tr><td>").append(esc(c.kind())).append("</td><td>").append(esc(c.location())).append("</td><td>")
                    .append(esc(c.state())).append("</td><td class=\"n\">")
                    .append(c.rows() == null ? "" : String.format("%,d", c.rows())).append("</td><td><code>")
                    .append(c.sha256() == null ? "" : c.sha256()).append("</code></td><td>")
                    .append(c.expired() != null ? "expired " + c.expired() + " by " + esc(c.expiredBy())
                            : c.expires() != null ? String.valueOf(c.expires())
                            : "archive".equals(c.kind()) ? "when its owner deletes it" : "at 'declutter expire'")
                    .append("</td></tr>\n");
        }
        h.append("</table>\n<p>This receipt holds no erased value.</p>\n</body></html>\n");
        return h.toString();
    }

    private static String esc(String s) {
        if (s == null) {
            return "";
        }
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
