package io.declutter.runner.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Stream;

/** A directory of generated files read into memory: relative path (with {@code /}) to exact bytes. */
public final class GeneratedTree {

    private GeneratedTree() {
    }

    public static SortedMap<String, byte[]> read(Path dir) {
        SortedMap<String, byte[]> files = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.filter(Files::isRegularFile).toList()) {
                files.put(dir.relativize(p).toString().replace('\\', '/'), Files.readAllBytes(p));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return files;
    }

    public static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** The paths whose bytes differ between the two trees, or that only one of them has. */
    public static SortedMap<String, String> differences(Map<String, byte[]> expected, Map<String, byte[]> actual) {
        SortedMap<String, String> diffs = new TreeMap<>();
        for (Map.Entry<String, byte[]> e : expected.entrySet()) {
            byte[] a = actual.get(e.getKey());
            if (a == null) {
                diffs.put(e.getKey(), "missing from the actual output");
            } else if (!Arrays.equals(e.getValue(), a)) {
                diffs.put(e.getKey(), firstDifference(text(e.getValue()), text(a)));
            }
        }
        for (String path : actual.keySet()) {
            if (!expected.containsKey(path)) {
                diffs.put(path, "not expected (new file)");
            }
        }
        return diffs;
    }

    /** Where two texts first differ: line number and both versions of the line. */
    public static String firstDifference(String expected, String actual) {
        String[] e = expected.split("\n", -1);
        String[] a = actual.split("\n", -1);
        for (int i = 0; i < Math.max(e.length, a.length); i++) {
            String el = i < e.length ? e[i] : "<end of file>";
            String al = i < a.length ? a[i] : "<end of file>";
            if (!el.equals(al)) {
                return "line " + (i + 1) + ": expected [" + el + "] but was [" + al + "]";
            }
        }
        return "same lines, different bytes (line endings or encoding)";
    }

    /** Replaces {@code dir} with exactly the given files. */
    public static void write(Map<String, byte[]> files, Path dir) {
        try {
            if (Files.exists(dir)) {
                try (Stream<Path> walk = Files.walk(dir)) {
                    for (Path p : walk.sorted((x, y) -> y.getNameCount() - x.getNameCount()).toList()) {
                        Files.delete(p);
                    }
                }
            }
            for (Map.Entry<String, byte[]> f : files.entrySet()) {
                Path target = dir.resolve(f.getKey());
                Files.createDirectories(target.getParent());
                Files.write(target, f.getValue());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
