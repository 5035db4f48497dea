package io.declutter.runner.purge;

import io.declutter.config.JobFile;
import io.declutter.dialect.JobProcedures;
import io.declutter.dialect.JobProcedures.ArchivedFile;
import io.declutter.dialect.JobProcedures.BackupTable;
import io.declutter.runner.ExitCodes;
import io.declutter.runner.UserError;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPOutputStream;

/**
 * The archive of a run written unit by unit (docs/archive.md#archive-before-delete): inside every unit's transaction,
 * after the step procedure and before the commit, the backup rows the unit added are written to one compressed CSV
 * file per backup table, fsynced with their directory, and recorded in the framework's {@code archive_batch} table in
 * that same transaction. So a unit's deletes commit only with their backup rows outside the database, and the
 * database lists exactly the files of committed units: the run's archive at every commit holds exactly its backup.
 *
 * <p>The rows a unit added are those with a backup sequence number above the highest one archived: only the units of
 * the run add backup rows (one session at a time, under the job's lock), and the backup tables' identity gives every
 * later row a higher number. Rows are never changed once backed up; a unit that rewrites a table's backup (the cache
 * of a NOT NULL tree orders it by depth: deletes and inserts it again) is found by the count of rows up to the
 * archived number, and that table's files are then replaced by one file of its whole backup.
 *
 * <p>After each commit the manifest and {@code SHA256SUMS} are rebuilt from the database's list (written to a
 * temporary file, fsynced, renamed), and files the list does not name (written by a unit that rolled back, or
 * replaced) are removed. The archive is the same format as {@code declutter archive} writes, with a file per table
 * and unit.
 */
public final class BatchArchive {

    private static final String TMP = ".tmp";
    /** The names of the files a unit writes; only these (and temporary files) are ever removed. */
    private static final java.util.regex.Pattern UNIT_FILE =
            java.util.regex.Pattern.compile("\\d{2}-.+-\\d{6}\\.csv\\.gz");

    private final JobFile jobFile;
    private final JobProcedures procs;
    private final long run;
    private final Path dir;
    private final String location;
    private final String database;
    private List<BackupTable> tables;
    private boolean changed;

    /** {@code database}: its name, for the manifest. */
    public BatchArchive(JobFile jobFile, JobProcedures procs, long run, Path base, String database) {
        this.database = database;
        this.jobFile = jobFile;
        this.procs = procs;
        this.run = run;
        this.dir = base.resolve("run-" + run);
        this.location = dir.toAbsolutePath().normalize().toString();
    }

    /** The run's archive directory: {@code run-N} under the job's {@code backup.archive}. */
    public Path dir() {
        return dir;
    }

    /**
     * Before the first unit (of a start or a resume): creates the directory (owner only) or checks that it holds
     * every file the database says committed units wrote, removes the files of units that rolled back, and writes
     * the manifest of what is committed.
     */
    public void open() throws SQLException, IOException {
        tables = procs.backupTables();
        if (Files.isDirectory(dir)) {
            try (var entries = Files.list(dir)) {
                List<String> foreign = entries.map(p -> p.getFileName().toString()).filter(n -> !ours(n)).toList();
                if (!foreign.isEmpty()) {
                    throw new UserError(ExitCodes.BAD_INPUT, location + " holds files that are not of run " + run
                            + "'s archive (" + String.join(", ", foreign) + "); move them away or set backup.archive"
                            + " to a new directory, then run again: nothing more was purged.");
                }
            }
            for (ArchivedFile f : procs.archivedFiles(run)) {
                if (!Files.isRegularFile(dir.resolve(f.file()))) {
                    throw new UserError(ExitCodes.BAD_INPUT, "run " + run + " of job " + procs.job() + " was archived"
                            + " unit by unit into " + location + ", but " + f.file() + " is not there (was"
                            + " backup.archive changed, or the directory moved?); put the archive back where it was and"
                            + " run again: nothing more was purged.");
                }
            }
        } else {
            if (!procs.archivedFiles(run).isEmpty()) {
                throw new UserError(ExitCodes.BAD_INPUT, "run " + run + " of job " + procs.job() + " has files archived"
                        + " unit by unit, but " + location + " does not exist (was backup.archive changed, or the"
                        + " directory moved?); put the archive back where it was and run again: nothing more was"
                        + " purged.");
            }
            Archive.createDirectory(dir);
        }
        changed = true;
        afterUnit();
    }

    /**
     * Inside the unit's transaction, before it commits: archives the backup rows the unit added (see the class
     * comment) and records them.
     */
    public void beforeCommit(JobProcedures.Step step) throws SQLException, IOException {
        List<ArchivedFile> recorded = procs.archivedFiles(run);
        int batch = recorded.stream().mapToInt(ArchivedFile::batch).max().orElse(0) + 1;
        Map<String, Long> archivedUpto = new HashMap<>();
        Map<String, Long> archivedRows = new HashMap<>();
        for (ArchivedFile f : recorded) {
            archivedUpto.merge(f.backupTable(), f.seqUpto(), Math::max);
            archivedRows.merge(f.backupTable(), f.rows(), Long::sum);
        }
        removeFilesOf(batch); // left by an earlier attempt of this unit that rolled back
        List<String> superseded = new ArrayList<>();
        List<ArchivedFile> added = new ArrayList<>();
        for (int i = 0; i < tables.size(); i++) {
            BackupTable t = tables.get(i);
            long upto = archivedUpto.getOrDefault(t.backupTable(), 0L);
            long max = procs.maxBackupSeq(run, t);
            if (max == upto) {
                continue;
            }
            long archived = archivedRows.getOrDefault(t.backupTable(), 0L);
            boolean rewritten = max < upto || archived > 0 && procs.backupRowsUpTo(run, t, upto) != archived;
            long after = rewritten ? 0 : upto;
            if (rewritten) {
                superseded.add(t.backupTable());
                changed = true;
            }
            if (max > after) {
                String name = String.format("%02d-%s-%06d.csv.gz", i + 1,
                        t.backupTable().replaceAll("[^A-Za-z0-9_]", "_"), batch);
                added.add(writeFile(t, after, max, batch, dir.resolve(name)));
                changed = true;
            }
        }
        if (superseded.isEmpty() && added.isEmpty()) {
            return;
        }
        Archive.syncDirectory(dir);
        List<ArchivedFile> files = new ArrayList<>(recorded.stream()
                .filter(f -> !superseded.contains(f.backupTable())).toList());
        files.addAll(added);
        List<Archive.TableFile> listed = tableFiles(files);
        procs.recordArchivedFiles(run, location, superseded, added, Archive.hex(Archive.sha256().digest(
                Archive.sums(listed))), listed.size(), listed.stream().mapToLong(Archive.TableFile::rows).sum());
    }

    /**
     * After the unit ended (committed or rolled back): when it wrote files, the manifest and SHA256SUMS are rebuilt
     * from what the database says committed, and files it does not list are removed.
     */
    public void afterUnit() throws SQLException, IOException {
        if (!changed) {
            return;
        }
        List<Archive.TableFile> listed = tableFiles(procs.archivedFiles(run));
        Set<String> keep = new HashSet<>(List.of(Archive.MANIFEST, Archive.SUMS));
        listed.forEach(f -> keep.add(f.file()));
        try (var entries = Files.list(dir)) {
            for (Path p : entries.toList()) {
                String name = p.getFileName().toString();
                if (!keep.contains(name) && ours(name)) {
                    Files.deleteIfExists(p);
                }
            }
        }
        byte[] sums = Archive.sums(listed);
        String sha = Archive.hex(Archive.sha256().digest(sums));
        JobProcedures.RunInfo info = procs.runInfo(run);
        var job = jobFile.job();
        Archive.Manifest manifest = new Archive.Manifest(Archive.FORMAT, job.name(), run, info.status(), info.started(),
                info.ended(), job.root().display(), job.rootPredicate().orElse(null), job.rootPredicate().isPresent()
                ? null : "given at run time (the root table's files hold the root rows)", database,
                Instant.now(), Archive.CsvFormat.of(procs), listed,
                listed.stream().mapToLong(Archive.TableFile::rows).sum(), sha);
        replace(dir.resolve(Archive.SUMS), sums);
        replace(dir.resolve(Archive.MANIFEST), Archive.json(manifest));
        Archive.syncDirectory(dir);
        changed = false;
    }

    /**
     * At the end of a complete run: records the archive even when the run backed up nothing (an empty archive is
     * still the receipt's proof), and writes the final manifest (status done).
     */
    public void finish() throws SQLException, IOException {
        if (procs.archives(run).stream().noneMatch(a -> a.location().equals(location))) {
            List<Archive.TableFile> listed = tableFiles(procs.archivedFiles(run));
            procs.recordArchivedFiles(run, location, List.of(), List.of(), Archive.hex(Archive.sha256().digest(
                    Archive.sums(listed))), listed.size(), listed.stream().mapToLong(Archive.TableFile::rows).sum());
        }
        changed = true;
        afterUnit();
    }

    /** The recorded files as the manifest lists them: tables in restore order, then by unit. */
    private List<Archive.TableFile> tableFiles(List<ArchivedFile> files) {
        Map<String, Integer> order = new HashMap<>();
        for (int i = 0; i < tables.size(); i++) {
            order.put(tables.get(i).backupTable(), i);
        }
        List<Archive.TableFile> out = new ArrayList<>();
        files.stream().sorted(Comparator.comparing((ArchivedFile f) -> order.getOrDefault(f.backupTable(),
                Integer.MAX_VALUE)).thenComparing(ArchivedFile::batch)).forEach(f -> {
                    BackupTable t = tables.stream().filter(b -> b.backupTable().equals(f.backupTable())).findFirst()
                            .orElseThrow(() -> new UserError(ExitCodes.BAD_INPUT, "backup table " + f.backupTable()
                                    + " archived by run " + run + " is no longer deployed"));
                    out.add(new Archive.TableFile(t.table(), t.backupTable(), t.holdsRows(), f.file(), t.columns(),
                            f.rows(), f.sha256(), f.csvSha256(), f.batch(), f.seqAfter(), f.seqUpto()));
                });
        return out;
    }

    private ArchivedFile writeFile(BackupTable t, long after, long upto, int batch, Path file)
            throws SQLException, IOException {
        MessageDigest fileDigest = Archive.sha256();
        MessageDigest csvDigest = Archive.sha256();
        long rows;
        try (FileChannel channel = FileChannel.open(file, Set.of(StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE), PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rw-------")))) {
            OutputStream raw = new DigestOutputStream(Channels.newOutputStream(channel), fileDigest);
            GZIPOutputStream gzip = new GZIPOutputStream(raw, 64 * 1024);
            OutputStream csv = new BufferedOutputStream(new DigestOutputStream(gzip, csvDigest), 64 * 1024);
            rows = procs.exportBackup(run, t, after, upto, csv, r -> { });
            csv.flush();
            gzip.finish();
            raw.flush();
            channel.force(true);
        }
        return new ArchivedFile(batch, file.getFileName().toString(), t.backupTable(), after, upto, rows,
                Archive.hex(fileDigest.digest()), Archive.hex(csvDigest.digest()));
    }

    /** Whether a file name is one this archive writes: a unit's file, the manifest, the sums, or a temporary file. */
    private static boolean ours(String name) {
        return UNIT_FILE.matcher(name).matches() || name.equals(Archive.MANIFEST) || name.equals(Archive.SUMS)
                || name.equals(Archive.MANIFEST + TMP) || name.equals(Archive.SUMS + TMP);
    }

    private void removeFilesOf(int batch) throws IOException {
        String suffix = String.format("-%06d.csv.gz", batch);
        try (var entries = Files.list(dir)) {
            for (Path p : entries.toList()) {
                if (p.getFileName().toString().endsWith(suffix)) {
                    Files.delete(p);
                }
            }
        }
    }

    /** Replaces a file atomically: a temporary file written and fsynced, then renamed over it. */
    private static void replace(Path file, byte[] bytes) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + TMP);
        Files.deleteIfExists(tmp);
        Archive.writeFile(tmp, bytes);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
