package io.declutter.dialect;

import java.util.Objects;

/**
 * One generated file.
 *
 * @param path       relative path, with {@code /} separators
 * @param changeSet  Liquibase changeset id deploying it (the files of one purged table share theirs), or null for
 *                   files that are not deployed on their own
 */
public record GeneratedFile(String path, String content, String changeSet) {

    public GeneratedFile {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(content, "content");
        if (!content.endsWith("\n")) {
            content = content + "\n";
        }
    }
}
