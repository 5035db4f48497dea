package io.declutter.render;

import io.declutter.dialect.GeneratedFile;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One Liquibase changeset of the changelog: its id and the files it runs, in order.
 *
 * @param id    the changeset id, unique in the changelog
 * @param paths the files it deploys, relative to the changelog, at least one
 */
public record ChangeSetView(String id, List<String> paths) {

    public ChangeSetView {
        Objects.requireNonNull(id, "id");
        paths = List.copyOf(paths);
        if (paths.isEmpty()) {
            throw new IllegalArgumentException("changeset " + id + " deploys no file");
        }
    }

    /**
     * The changesets of files in deploy order: consecutive files with the same changeset id are one changeset.
     *
     * @throws IllegalArgumentException if a changeset id comes back after another one (its files must be together)
     */
    public static List<ChangeSetView> of(List<GeneratedFile> files) {
        List<ChangeSetView> sets = new ArrayList<>();
        java.util.Set<String> seen = new java.util.HashSet<>();
        String id = null;
        List<String> paths = new ArrayList<>();
        for (GeneratedFile f : files) {
            Objects.requireNonNull(f.changeSet(), () -> f.path() + " has no changeset");
            if (!f.changeSet().equals(id)) {
                if (id != null) {
                    sets.add(new ChangeSetView(id, paths));
                }
                id = f.changeSet();
                if (!seen.add(id)) {
                    throw new IllegalArgumentException("the files of changeset " + id + " are not together: "
                            + f.path());
                }
                paths = new ArrayList<>();
            }
            paths.add(f.path());
        }
        if (id != null) {
            sets.add(new ChangeSetView(id, paths));
        }
        return sets;
    }
}
