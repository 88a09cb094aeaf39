package org.echofs.storage;

import java.nio.file.Path;
import java.util.List;

/**
 * What {@link Fsck} found in a volume. {@link #isClean()} is true when there is no problem;
 * {@link #toText()} is the human-readable report.
 *
 * @param dir             the volume checked
 * @param objects         objects in the metadata
 * @param entries         directory entries in the metadata
 * @param dataFiles       files in the data directory
 * @param replayedRecords log records replayed into the metadata before checking
 * @param problems        what is wrong, in the order found
 * @param leftovers       crash leftovers in the data directory of a volume that was not shut down
 *                        cleanly, which the engine removes when it next opens the volume (not damage)
 */
public record FsckReport(Path dir, long objects, long entries, long dataFiles, int replayedRecords,
                         List<Problem> problems, List<Problem> leftovers) {

    public FsckReport {
        problems = List.copyOf(problems);
        leftovers = List.copyOf(leftovers);
    }

    /** Kinds of damage. */
    public enum Kind {
        /** The root directory is missing, not a directory, or named by an entry. */
        BAD_ROOT,
        /** An entry names an object that does not exist, or lives in something that is not a directory. */
        DANGLING_ENTRY,
        /** An object (not the root) that no entry names. */
        ORPHAN_OBJECT,
        /** An object named by entries but not reachable from the root. */
        UNREACHABLE_OBJECT,
        /** The stored link count differs from the entries that name the object. */
        WRONG_NLINK,
        /** A directory's parent differs from the directory holding its entry, or it has several entries. */
        WRONG_PARENT,
        /** An object id at or above the next id to hand out. */
        ID_BEYOND_NEXT,
        /** An entry cookie at or above its directory's next cookie, or a listing index that disagrees with the entries. */
        BAD_COOKIE,
        /** A data file of an object that does not exist or is not a regular file (start-up deletes it). */
        ORPHAN_DATA_FILE,
        /** A data file longer than its file's size (start-up cuts it back). */
        DATA_FILE_TOO_LONG,
        /** A file in the data directory whose name is not an object's data file. */
        UNEXPECTED_FILE
    }

    /** One problem: its kind, the object concerned (0 when none) and a sentence about it. */
    public record Problem(Kind kind, long objectId, String detail) {
        @Override public String toString() {
            return kind + (objectId != 0 ? " object " + objectId : "") + ": " + detail;
        }
    }

    /** True when nothing is wrong. */
    public boolean isClean() {
        return problems.isEmpty();
    }

    /** The problems of one kind. */
    public List<Problem> problems(Kind kind) {
        return problems.stream().filter(p -> p.kind() == kind).toList();
    }

    /** A report for people: a summary line and one line per problem. */
    public String toText() {
        StringBuilder b = new StringBuilder();
        b.append("fsck ").append(dir).append(": ").append(objects).append(" objects, ").append(entries)
                .append(" entries, ").append(dataFiles).append(" data files");
        if (replayedRecords > 0) b.append(", replayed ").append(replayedRecords).append(" log records");
        b.append('\n');
        if (!leftovers.isEmpty()) {
            b.append(leftovers.size()).append(leftovers.size() == 1 ? " crash leftover" : " crash leftovers")
                    .append(" (not damage; removed when the volume next opens)\n");
            for (Problem p : leftovers) b.append("  ").append(p).append('\n');
        }
        if (problems.isEmpty()) {
            b.append("clean\n");
        } else {
            b.append(problems.size()).append(problems.size() == 1 ? " problem\n" : " problems\n");
            for (Problem p : problems) b.append("  ").append(p).append('\n');
        }
        return b.toString();
    }
}
