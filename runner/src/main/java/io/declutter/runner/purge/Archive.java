package io.declutter.runner.purge;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.declutter.config.JobFile;
import io.declutter.dialect.JobProcedures;
import io.declutter.dialect.JobProcedures.BackupTable;
import io.declutter.runner.ExitCodes;
import io.declutter.runner.UserError;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.LongConsumer;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * An archive of a run's backup outside the database (docs/archive.md): one gzip-compressed CSV file per backup table,
 * written by the database's own COPY and streamed through gzip (constant memory), a {@code SHA256SUMS} file that
 * {@code sha256sum -c} checks, and a {@code manifest.json}. The directory is readable by its owner only.
 */
public final class Archive {

    public static final String MANIFEST = "manifest.json";
    public static final String SUMS = "SHA256SUMS";
    /** The manifest's format version: a reader refuses a format it does not know. */
    public static final int FORMAT = 1;

    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .setSerializationInclusion(JsonInclude.Include.NON_NULL);
    private static final FileAttribute<Set<PosixFilePermission>> OWNER_FILE =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));
    private static final FileAttribute<Set<PosixFilePermission>> OWNER_DIR =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));

    /**
     * One backup table's file. In an archive written unit by unit (docs/archive.md#archive-before-delete) a table has
     * a file per unit that added rows to it: {@code batch} is the unit's number and the file holds the rows with a
     * backup sequence number in {@code (seqAfter, seqUpto]}; all three are absent (null) in an archive of a whole run.
     */
    public record TableFile(String table, String backupTable, boolean holdsRows, String file,
                            List<JobProcedures.Column> columns, long rows, String sha256, String csvSha256,
                            Integer batch, Long seqAfter, Long seqUpto) {
        public TableFile {
            Objects.requireNonNull(table, "table");
            Objects.requireNonNull(backupTable, "backupTable");
            Objects.requireNonNull(file, "file");
            Objects.requireNonNull(sha256, "sha256");
            Objects.requireNonNull(csvSha256, "csvSha256");
            columns = List.copyOf(columns);
        }
    }

    /** How values are written as text in the files (the session settings of the COPY). */
    public record CsvFormat(String format, boolean header, String encoding, String timeZone, String dateStyle,
                            String intervalStyle, String byteaOutput, Integer extraFloatDigits, String nullValue) {
        static final CsvFormat CURRENT = new CsvFormat("PostgreSQL COPY CSV", true, "UTF-8", "UTC", "ISO, YMD",
                "postgres", "hex", 1, "unquoted empty field");

        /** How the dialect writes the files: PostgreSQL's COPY ({@link #CURRENT}), or what the dialect says. */
        static CsvFormat of(JobProcedures procs) {
            return procs.csvText().map(t -> new CsvFormat(t.format(), true, "UTF-8", t.timeZone(), t.dateStyle(),
                    t.intervalStyle(), t.binaryOutput(), null, t.nullValue())).orElse(CURRENT);
        }
    }

    /**
     * The manifest. {@code sha256} is the archive's own checksum: SHA-256 of the {@code SHA256SUMS} file, which lists
     * every data file's SHA-256 in restore order.
     */
    public record Manifest(int format, String job, long run, String runStatus, Instant runStarted, Instant runEnded,
                           String root, String rootPredicate, String rootKeys, String database, Instant created,
                           CsvFormat csv, List<TableFile> tables, long rows, String sha256) {
        public Manifest {
            Objects.requireNonNull(job, "job");
            tables = List.copyOf(tables);
        }
    }

    private Archive() {
    }

    /**
     * Writes the run's backup into {@code dir} (which must not exist, or be empty) and records the archive in the
     * database. Every table is read in one snapshot (a REPEATABLE READ, READ ONLY transaction).
     */
    public static Manifest write(Connection c, JobProcedures procs, JobFile jobFile, long run, Path dir,
                                 ProgressBar bar) throws SQLException, IOException {
        JobProcedures.RunInfo info = procs.runInfo(run);
        if (!"done".equals(info.status()) && !"rolled back".equals(info.status())) {
            throw new UserError(ExitCodes.BAD_INPUT, "run " + run + " is " + info.status() + ": only a finished run"
                    + " (done or rolled back) can be archived" + ("expired".equals(info.status())
                    ? "; its backup has expired (" + archivesText(procs.archives(run)) + ")" : ""));
        }
        createDirectory(dir);
        List<TableFile> files = new ArrayList<>();
        String database;
        boolean autoCommit = c.getAutoCommit();
        c.setAutoCommit(false);
        try {
            procs.readOnlySnapshot();
            // Checked again inside the snapshot: an expiry that began meanwhile marked the run before deleting.
            String status = procs.runInfo(run).status();
            if (!status.equals(info.status())) {
                throw new UserError(ExitCodes.BAD_INPUT, "run " + run + " became " + status + " while the archive"
                        + " started; nothing was written");
            }
            database = procs.databaseName();
            List<BackupTable> tables = procs.backupTables();
            long total = 0;
            for (BackupTable t : tables) {
                total += procs.backupRows(run, t);
            }
            long done = 0;
            for (int i = 0; i < tables.size(); i++) {
                BackupTable t = tables.get(i);
                String name = String.format("%02d-%s.csv.gz", i + 1, t.backupTable().replaceAll("[^A-Za-z0-9_]", "_"));
                long before = done;
                long all = total;
                files.add(writeTable(procs, run, t, dir.resolve(name), rows -> bar.update("archive", all, before + rows,
                        false)));
                done += files.get(i).rows();
            }
            bar.update("archive", total, done, true);
            bar.finish();
            c.commit();
        } finally {
            c.rollback();
            c.setAutoCommit(autoCommit);
        }
        byte[] sumsBytes = sums(files);
        writeFile(dir.resolve(SUMS), sumsBytes);
        long rows = files.stream().mapToLong(TableFile::rows).sum();
        var job = jobFile.job();
        Manifest manifest = new Manifest(FORMAT, job.name(), run, info.status(), info.started(), info.ended(),
                job.root().display(), job.rootPredicate().orElse(null), job.rootPredicate().isPresent() ? null
                : job.keysAtRunTime() ? "given at run time (the root table's file holds the root rows)"
                : Receipt.selection(job) + " (the root table's file holds the root rows)", database, Instant.now(),
                CsvFormat.of(procs), files, rows, hex(sha256().digest(sumsBytes)));
        writeFile(dir.resolve(MANIFEST), json(manifest));
        syncDirectory(dir);
        procs.recordArchive(run, dir.toAbsolutePath().normalize().toString(), manifest.sha256(), files.size(), rows);
        return manifest;
    }

    /** The {@code SHA256SUMS} file of these files, in the format of {@code sha256sum}. */
    static byte[] sums(List<TableFile> files) {
        StringBuilder sums = new StringBuilder();
        files.forEach(f -> sums.append(f.sha256()).append("  ").append(f.file()).append('\n'));
        return sums.toString().getBytes(StandardCharsets.UTF_8);
    }

    static byte[] json(Manifest manifest) throws IOException {
        return JSON.writeValueAsBytes(manifest);
    }

    private static TableFile writeTable(JobProcedures procs, long run, BackupTable t, Path file, LongConsumer progress)
            throws SQLException, IOException {
        MessageDigest fileDigest = sha256();
        MessageDigest csvDigest = sha256();
        long rows;
        try (FileChannel channel = FileChannel.open(file, Set.of(StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE), OWNER_FILE)) {
            OutputStream raw = new DigestOutputStream(Channels.newOutputStream(channel), fileDigest);
            GZIPOutputStream gzip = new GZIPOutputStream(raw, 64 * 1024);
            OutputStream csv = new BufferedOutputStream(new DigestOutputStream(gzip, csvDigest), 64 * 1024);
            rows = procs.exportBackup(run, t, csv, progress);
            csv.flush();
            gzip.finish();
            raw.flush();
            channel.force(true);
        }
        return new TableFile(t.table(), t.backupTable(), t.holdsRows(), file.getFileName().toString(), t.columns(), rows,
                hex(fileDigest.digest()), hex(csvDigest.digest()), null, null, null);
    }

    /** What {@link #verify} found: problems make it fail; notes say what it could not check. */
    public record Check(Manifest manifest, List<String> problems, List<String> notes) {
        public boolean ok() {
            return problems.isEmpty();
        }
    }

    /** Reads the manifest, or a clear error when the directory holds none. */
    public static Manifest readManifest(Path dir) throws IOException {
        try {
            Manifest m = JSON.readValue(Files.readAllBytes(dir.resolve(MANIFEST)), Manifest.class);
            if (m.format() != FORMAT) {
                throw new UserError(ExitCodes.BAD_INPUT, dir.resolve(MANIFEST) + " has format " + m.format()
                        + "; this declutter reads format " + FORMAT);
            }
            return m;
        } catch (NoSuchFileException e) {
            throw new UserError(ExitCodes.BAD_INPUT, dir + " is not a declutter archive (no " + MANIFEST
                    + "; an archive interrupted while it was written has none: write it again)");
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw new UserError(ExitCodes.BAD_INPUT, dir.resolve(MANIFEST) + " is not a valid manifest: "
                    + e.getOriginalMessage());
        }
    }

    /**
     * Checks the files against the manifest (the archive's checksum, every file's SHA-256, the CSV inside each and
     * its row count) and, when {@code procs} is given and the run's backup is still in the database, against the
     * backup tables (the same rows give the same CSV).
     */
    public static Check verify(Path dir, Connection c, JobProcedures procs) throws IOException, SQLException {
        Manifest m = readManifest(dir);
        List<String> problems = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        byte[] expectedSums = sums(m.tables());
        if (!hex(sha256().digest(expectedSums)).equals(m.sha256())) {
            problems.add(MANIFEST + ": the archive checksum does not match the files it lists (the manifest was"
                    + " changed)");
        }
        try {
            if (!java.util.Arrays.equals(Files.readAllBytes(dir.resolve(SUMS)), expectedSums)) {
                problems.add(SUMS + " differs from the manifest's file list");
            }
        } catch (NoSuchFileException e) {
            problems.add(SUMS + " is missing");
        }
        for (TableFile f : m.tables()) {
            Path file = dir.resolve(f.file());
            if (!file.normalize().startsWith(dir.normalize()) || !Files.isRegularFile(file)) {
                problems.add(f.file() + " (" + f.table() + ") is missing");
                continue;
            }
            MessageDigest fileDigest = sha256();
            MessageDigest csvDigest = sha256();
            long records;
            try (InputStream in = new java.security.DigestInputStream(Files.newInputStream(file), fileDigest);
                 InputStream csv = new BufferedInputStream(new java.security.DigestInputStream(
                         new GZIPInputStream(in, 64 * 1024), csvDigest), 64 * 1024)) {
                records = countRecords(csv);
                in.transferTo(OutputStream.nullOutputStream());
            } catch (java.util.zip.ZipException | java.io.EOFException e) {
                problems.add(f.file() + " (" + f.table() + ") is not a complete gzip file: " + e.getMessage());
                continue;
            }
            if (!hex(fileDigest.digest()).equals(f.sha256())) {
                problems.add(f.file() + " (" + f.table() + "): SHA-256 differs from the manifest's");
            } else if (!hex(csvDigest.digest()).equals(f.csvSha256()) || records - 1 != f.rows()) {
                problems.add(f.file() + " (" + f.table() + "): its content differs from the manifest's ("
                        + (records - 1) + " rows, the manifest says " + f.rows() + ")");
            }
        }
        if (procs != null) {
            verifyAgainstDatabase(m, c, procs, problems, notes);
        }
        checkPermissions(dir, m, notes);
        return new Check(m, problems, notes);
    }

    private static void verifyAgainstDatabase(Manifest m, Connection c, JobProcedures procs, List<String> problems,
                                              List<String> notes) throws SQLException, IOException {
        if (!m.job().equals(procs.job())) {
            problems.add("the archive is of job " + m.job() + ", not of " + procs.job());
            return;
        }
        JobProcedures.RunInfo info = procs.runInfo(m.run());
        if ("expired".equals(info.status())) {
            notes.add("run " + m.run() + "'s backup has expired: the archive was checked against its manifest only,"
                    + " it is the only copy left");
            return;
        }
        List<BackupTable> tables = procs.backupTables();
        boolean autoCommit = c.getAutoCommit();
        c.setAutoCommit(false);
        try {
            procs.readOnlySnapshot();
            for (TableFile f : m.tables()) {
                BackupTable t = tables.stream().filter(b -> b.backupTable().equals(f.backupTable())).findFirst()
                        .orElse(null);
                if (t == null) {
                    problems.add(f.table() + ": backup table " + f.backupTable() + " is not in the database");
                    continue;
                }
                MessageDigest digest = sha256();
                BackupTable shaped = new BackupTable(t.table(), t.backupTable(), t.holdsRows(), f.columns());
                OutputStream sink = new DigestOutputStream(OutputStream.nullOutputStream(), digest);
                long rows = f.seqAfter() == null ? procs.exportBackup(m.run(), shaped, sink, r -> { })
                        : procs.exportBackup(m.run(), shaped, f.seqAfter(), f.seqUpto(), sink, r -> { });
                if (rows != f.rows() || !hex(digest.digest()).equals(f.csvSha256())) {
                    problems.add(f.table() + ": the database's backup of run " + m.run() + " (" + rows
                            + " rows" + (f.seqAfter() == null ? "" : " in " + f.file()) + ") differs from the"
                            + " archive's (" + f.rows() + " rows)");
                }
            }
        } finally {
            c.rollback();
            c.setAutoCommit(autoCommit);
        }
        if (procs.archives(m.run()).stream().noneMatch(a -> a.sha256().equals(m.sha256()))) {
            notes.add("the database has no record of this archive (checksum " + m.sha256() + ")");
        }
    }

    private static void checkPermissions(Path dir, Manifest m, List<String> notes) throws IOException {
        if (!Files.getFileStore(dir).supportsFileAttributeView("posix")) {
            return;
        }
        List<Path> paths = new ArrayList<>(List.of(dir, dir.resolve(MANIFEST)));
        m.tables().forEach(f -> paths.add(dir.resolve(f.file())));
        for (Path p : paths) {
            if (Files.exists(p) && Files.getPosixFilePermissions(p).stream().anyMatch(x -> x.name().startsWith("GROUP")
                    || x.name().startsWith("OTHERS"))) {
                notes.add(p + " is readable by others than its owner ("
                        + PosixFilePermissions.toString(Files.getPosixFilePermissions(p)) + ")");
            }
        }
    }

    /**
     * Loads the archive's files back into the backup tables in one transaction (rows still there are skipped) and
     * puts an expired run back to its status before the expiry. The archive must verify first.
     */
    public static long load(Path dir, Connection c, JobProcedures procs, long run) throws IOException, SQLException {
        Check check = verify(dir, c, null);
        Manifest m = check.manifest();
        if (!check.ok()) {
            throw new UserError(ExitCodes.FAILED, "archive " + dir + " does not verify, nothing loaded:\n  "
                    + String.join("\n  ", check.problems()));
        }
        if (!m.job().equals(procs.job()) || m.run() != run) {
            throw new UserError(ExitCodes.BAD_INPUT, "archive " + dir + " holds run " + m.run() + " of job " + m.job()
                    + ", not run " + run + " of job " + procs.job());
        }
        List<BackupTable> tables = procs.backupTables();
        long added = 0;
        boolean autoCommit = c.getAutoCommit();
        c.setAutoCommit(false);
        try {
            for (TableFile f : m.tables()) {
                BackupTable t = tables.stream().filter(b -> b.backupTable().equals(f.backupTable())).findFirst()
                        .orElseThrow(() -> new UserError(ExitCodes.BAD_INPUT, f.table() + ": backup table "
                                + f.backupTable() + " is not deployed; deploy the job first"));
                List<String> missing = f.columns().stream().map(JobProcedures.Column::name)
                        .filter(n -> t.columns().stream().noneMatch(x -> x.name().equals(n))).toList();
                if (!missing.isEmpty()) {
                    throw new UserError(ExitCodes.BAD_INPUT, f.table() + ": backup table " + f.backupTable()
                            + " has no column " + String.join(", ", missing) + " that the archive holds");
                }
                try (InputStream in = new GZIPInputStream(Files.newInputStream(dir.resolve(f.file())), 64 * 1024)) {
                    added += procs.importBackup(run, new BackupTable(t.table(), t.backupTable(), t.holdsRows(),
                            f.columns()), in);
                }
            }
            procs.unexpire(run);
            c.commit();
        } finally {
            c.rollback();
            c.setAutoCommit(autoCommit);
        }
        return added;
    }

    /**
     * Why a run whose backup has expired cannot be rolled back from the database, and how to restore it: the one
     * message of {@code declutter rollback} and of the HTTP API (docs/archive.md#expiry).
     *
     * @param restoreWith how the caller restores from an archive, e.g. "--from DIR"
     */
    public static String expiredRefusal(JobProcedures procs, long run, String restoreWith) throws SQLException {
        String when = procs.expiry(run).map(e -> " (at " + e.at() + " by " + e.by() + ")").orElse("");
        return "the backup of run " + run + " has expired" + when + "; restore it from its archive with " + restoreWith
                + " (" + archivesText(procs.archives(run)) + ")";
    }

    /** The run's archives, for messages: where they are, or that none was recorded. */
    public static String archivesText(List<JobProcedures.ArchiveRecord> archives) {
        return archives.isEmpty() ? "no archive of it is recorded"
                : "archives: " + String.join(", ", archives.stream().map(JobProcedures.ArchiveRecord::location).toList());
    }

    /**
     * CSV records in PostgreSQL's CSV (quote and escape both {@code "}): a line break ends a record unless it is
     * inside quotes. The header line counts as one.
     */
    static long countRecords(InputStream in) throws IOException {
        long records = 0;
        boolean quoted = false;
        boolean pending = false;
        byte[] buffer = new byte[64 * 1024];
        int n;
        while ((n = in.read(buffer)) > 0) {
            for (int i = 0; i < n; i++) {
                byte b = buffer[i];
                if (b == '"') {
                    quoted = !quoted;
                } else if (b == '\n' && !quoted) {
                    records++;
                    pending = false;
                    continue;
                }
                pending = true;
            }
        }
        return records + (pending ? 1 : 0);
    }

    static void createDirectory(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            try (var entries = Files.list(dir)) {
                if (entries.findAny().isPresent()) {
                    throw new UserError(ExitCodes.BAD_INPUT, dir + " is not empty; archive into a new directory");
                }
            }
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
            return;
        }
        try {
            if (dir.toAbsolutePath().getParent() != null) {
                Files.createDirectories(dir.toAbsolutePath().getParent());
            }
            Files.createDirectory(dir, OWNER_DIR);
        } catch (FileAlreadyExistsException e) {
            throw new UserError(ExitCodes.BAD_INPUT, dir + " exists and is not a directory", e);
        }
    }

    static void writeFile(Path file, byte[] bytes) throws IOException {
        try (FileChannel channel = FileChannel.open(file, Set.of(StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE), OWNER_FILE)) {
            channel.write(java.nio.ByteBuffer.wrap(bytes));
            channel.force(true);
        }
    }

    /** fsync of the directory, so the files' names survive a crash too. */
    static void syncDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            // some file systems cannot open a directory; the files themselves are synced
        }
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }
}
