package io.declutter.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.declutter.model.InvalidJobException;
import io.declutter.model.Job;
import io.declutter.model.TableName;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.LocalTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;

/** Reads a job file (YAML). Unknown keys are errors, so a misspelt setting is never silently ignored. */
public final class JobFileReader {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    static final int DEFAULT_BATCH_SIZE = 5000;

    private JobFileReader() {
    }

    public static JobFile read(Path file) {
        try {
            return parse(file.toString(), Files.readString(file));
        } catch (NoSuchFileException e) {
            throw new ConfigException("job file " + file + " does not exist");
        } catch (IOException e) {
            throw new ConfigException("cannot read job file " + file + ": " + e.getMessage(), e);
        }
    }

    public static JobFile parse(String source, String yaml) {
        Raw raw;
        try {
            raw = YAML.readValue(yaml, Raw.class);
        } catch (JsonMappingException e) {
            throw new ConfigException(source + ": " + e.getOriginalMessage() + " at " + location(e), e);
        } catch (IOException e) {
            throw new ConfigException(source + ": not a valid job file: " + e.getMessage(), e);
        }
        if (raw == null || raw.job == null) {
            throw new ConfigException(source + ": 'job' (the job name) is required");
        }
        if (raw.root == null || raw.root.table == null) {
            throw new ConfigException(source + ": 'root.table' is required (the table whose rows are purged, as schema.table)");
        }
        if ((raw.root.where == null) == !"runtime".equals(raw.root.keys)) {
            throw new ConfigException(source + ": give exactly one of 'root.where' (a condition on " + raw.root.table
                    + ") or 'root.keys: runtime' (keys passed to each run)");
        }
        try {
            Job job = new Job(raw.job, tableName(raw.root.table), Optional.ofNullable(raw.root.where),
                    raw.batchSize == null ? DEFAULT_BATCH_SIZE : raw.batchSize,
                    raw.backup == null || raw.backup,
                    raw.exclude == null ? List.of() : raw.exclude.stream().map(JobFileReader::tableName).toList(),
                    Durations.parse("timeouts.lock", raw.timeouts.lock),
                    Durations.parse("timeouts.statement", raw.timeouts.statement));
            return new JobFile(job, window(raw.window), database(raw.database));
        } catch (InvalidJobException e) {
            throw new ConfigException(source + ": " + e.getMessage(), e);
        }
    }

    /** {@code schema.table}; a name without a dot is taken to be in {@code public}. Double quotes are not needed. */
    public static TableName tableName(String text) {
        String t = text.strip();
        int dot = t.indexOf('.');
        if (t.isEmpty() || dot == 0 || dot == t.length() - 1) {
            throw new ConfigException("'" + text + "' is not a table name; write schema.table");
        }
        return dot < 0 ? new TableName("public", t) : new TableName(t.substring(0, dot), t.substring(dot + 1));
    }

    private static Window window(RawWindow w) {
        if (w == null) {
            return Window.ALWAYS;
        }
        return new Window(time("window.start", w.start), time("window.end", w.end),
                Optional.ofNullable(w.maxDuration).map(d -> Durations.parse("window.maxDuration", d)));
    }

    private static Optional<LocalTime> time(String setting, String text) {
        try {
            return Optional.ofNullable(text).map(LocalTime::parse);
        } catch (DateTimeParseException e) {
            throw new ConfigException(setting + ": '" + text + "' is not a time of day; write HH:MM (e.g. 22:00)");
        }
    }

    private static DatabaseSettings database(RawDatabase d) {
        if (d == null) {
            return DatabaseSettings.NONE;
        }
        if (d.passwordEnv != null && d.passwordFile != null) {
            throw new ConfigException("database: give 'passwordEnv' or 'passwordFile', not both");
        }
        return new DatabaseSettings(Optional.ofNullable(d.url), Optional.ofNullable(d.user),
                Optional.ofNullable(d.passwordEnv), Optional.ofNullable(d.passwordFile).map(Path::of));
    }

    private static String location(JsonMappingException e) {
        return e.getLocation() == null ? "?" : "line " + e.getLocation().getLineNr();
    }

    /** The file as written; mapped to the model above so the model stays free of Jackson. */
    static final class Raw {
        @JsonProperty public String job;
        @JsonProperty public RawRoot root;
        @JsonProperty public Integer batchSize;
        @JsonProperty public Boolean backup;
        @JsonProperty public List<String> exclude;
        @JsonProperty public RawTimeouts timeouts = new RawTimeouts();
        @JsonProperty public RawWindow window;
        @JsonProperty public RawDatabase database;
    }

    static final class RawRoot {
        @JsonProperty public String table;
        @JsonProperty public String where;
        @JsonProperty public String keys;
    }

    static final class RawTimeouts {
        @JsonProperty public String lock = "5s";
        @JsonProperty public String statement = "10min";
    }

    static final class RawWindow {
        @JsonProperty public String start;
        @JsonProperty public String end;
        @JsonProperty public String maxDuration;
    }

    static final class RawDatabase {
        @JsonProperty public String url;
        @JsonProperty public String user;
        @JsonProperty public String passwordEnv;
        @JsonProperty public String passwordFile;
    }
}
