package dev.agentmesh.agents.internal;

import dev.agentmesh.MeshException;
import dev.agentmesh.Texts;
import dev.agentmesh.agents.AgentProfile;
import dev.agentmesh.agents.AgentProfiles;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the {@code *.md} files of one agent folder, each on its own: a bad file becomes a {@link AgentProfiles.Problem}
 * and never hides the good ones. Hostile folders are handled: a symlink leading out of the folder, a file that is no
 * regular file (a FIFO would block a read), a file over {@link AgentProfiles#MAX_FILE_BYTES} (at most that many bytes
 * plus one are ever read), and more than {@link AgentProfiles#MAX_FILES} files. Names starting with '.' are skipped.
 * Stateless and thread-safe; reads the disk on every call.
 */
public final class ProfileFolder {

    /**
     * What one folder holds.
     *
     * @param profiles the valid profiles, by file name
     * @param problems one per bad file (or one for the folder itself), by file name
     */
    public record Scan(List<AgentProfile> profiles, List<AgentProfiles.Problem> problems) {
        /** Copies the lists. */
        public Scan {
            profiles = List.copyOf(profiles);
            problems = List.copyOf(problems);
        }
    }

    private ProfileFolder() {
    }

    /**
     * @param dir    the folder; a missing one holds nothing
     * @param source the source its profiles get
     * @return the profiles and problems of the folder's {@code *.md} files
     */
    public static Scan scan(Path dir, AgentProfile.Source source) {
        List<AgentProfile> profiles = new ArrayList<>();
        List<AgentProfiles.Problem> problems = new ArrayList<>();
        if (!Files.exists(dir)) {
            return new Scan(profiles, problems);
        }
        Path real;
        List<String> names = new ArrayList<>();
        try {
            real = dir.toRealPath();
            try (DirectoryStream<Path> files = Files.newDirectoryStream(real)) {
                for (Path f : files) {
                    String n = f.getFileName().toString();
                    if (n.endsWith(".md") && !n.startsWith(".")) {
                        names.add(n);
                    }
                }
            }
        } catch (IOException e) {
            problems.add(new AgentProfiles.Problem(source, null, dir, "agent folder " + Texts.quote(dir.toString(), 300)
                    + " cannot be read: " + Texts.quote(Texts.firstLine(String.valueOf(e.getMessage())), 160)));
            return new Scan(profiles, problems);
        }
        names.sort(null);
        if (names.size() > AgentProfiles.MAX_FILES) {
            problems.add(new AgentProfiles.Problem(source, null, dir, "agent folder " + Texts.quote(dir.toString(), 300) + " has "
                    + names.size() + " agent files; only the first " + AgentProfiles.MAX_FILES + " by name are read"));
            names = names.subList(0, AgentProfiles.MAX_FILES);
        }
        for (String n : names) {
            Path file = dir.resolve(n);
            String stem = n.substring(0, n.length() - ".md".length());
            try {
                profiles.add(read(real, file, stem, source));
            } catch (MeshException e) {
                problems.add(new AgentProfiles.Problem(source, stem, file, e.getMessage()));
            }
        }
        return new Scan(profiles, problems);
    }

    private static AgentProfile read(Path realDir, Path file, String stem, AgentProfile.Source source) {
        String where = file.toString();
        try {
            AgentProfile.requireName(stem);
        } catch (MeshException e) {
            throw ProfileParser.fail(where, "the file name is not usable: " + e.getMessage());
        }
        Path target = realDir.resolve(file.getFileName());
        try {
            if (Files.isSymbolicLink(target)) {
                try {
                    target = target.toRealPath();
                } catch (NoSuchFileException e) {
                    throw ProfileParser.fail(where, "is a symlink to a missing file");
                }
                if (!target.startsWith(realDir)) {
                    throw ProfileParser.fail(where, "is a symlink to " + Texts.quote(target.toString(), 300) + ", outside "
                            + Texts.quote(realDir.toString(), 300) + "; agent files must stay in their folder");
                }
            }
            BasicFileAttributes attrs = Files.readAttributes(target, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (!attrs.isRegularFile()) {
                throw ProfileParser.fail(where, "is not a regular file");
            }
            try {
                ProfileParser.requireSize(attrs.size());
            } catch (MeshException e) {
                throw ProfileParser.fail(where, e.getMessage());
            }
            byte[] bytes;
            // no links followed on open: a file swapped for a symlink after the checks above is refused, not read
            try (InputStream in = Files.newInputStream(target, LinkOption.NOFOLLOW_LINKS)) {
                bytes = in.readNBytes(AgentProfiles.MAX_FILE_BYTES + 1);
            }
            return ProfileParser.parse(where, bytes, stem, source, file);
        } catch (IOException e) {
            throw ProfileParser.fail(where, "cannot be read: " + Texts.quote(Texts.firstLine(String.valueOf(e.getMessage())), 160));
        }
    }
}
