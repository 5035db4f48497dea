package io.declutter.demo.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** What a benchmark report says of the machine and the server it ran on (docs/benchmark.md). */
final class Machine {

    private Machine() {
    }

    /** CPU, cores, RAM, the server's version and the given settings, and the Java version. */
    static Map<String, String> describe(BenchDatabase db, List<String> settingNames) throws Exception {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("CPU", procLine("/proc/cpuinfo", "model name", l -> l.substring(l.indexOf(':') + 1).strip()));
        m.put("cores", String.valueOf(Runtime.getRuntime().availableProcessors()));
        m.put("RAM", procLine("/proc/meminfo", "MemTotal", l -> String.format(Locale.ROOT, "%.0f GB",
                Long.parseLong(l.replaceAll("\\D", "")) / 1024.0 / 1024.0)));
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery("SELECT version()")) {
                rs.next();
                m.put("PostgreSQL", rs.getString(1).replaceAll(",.*", ""));
            }
            StringBuilder settings = new StringBuilder();
            for (String s : settingNames) {
                try (ResultSet rs = st.executeQuery("SHOW " + s)) {
                    rs.next();
                    settings.append(settings.length() == 0 ? "" : ", ").append(s).append(" = ").append(rs.getString(1));
                }
            }
            m.put("settings", settings.toString());
        }
        m.put("Java", System.getProperty("java.version"));
        return m;
    }

    private static String procLine(String file, String prefix, java.util.function.Function<String, String> value) {
        try {
            return Files.readAllLines(Path.of(file)).stream().filter(l -> l.startsWith(prefix)).findFirst().map(value)
                    .orElse("?");
        } catch (Exception notLinux) {
            return "?";
        }
    }
}
