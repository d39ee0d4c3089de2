package dev.agentmesh.agents;

import dev.agentmesh.MeshException;
import dev.agentmesh.Texts;
import dev.agentmesh.agents.AgentProfile.Source;
import dev.agentmesh.agents.internal.ProfileFolder;
import dev.agentmesh.agents.internal.ProfileParser;
import dev.agentmesh.agents.internal.ProfileScore;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The library of agent profiles: bundled ones in the core jar, the user's {@code ~/.mesh/agents/*.md} and the
 * project's {@code <root>/.mesh/agents/*.md} (issue 6 part 2, issue 7 "catalog"; seed 002's package/user/project
 * agents). A bare name resolves project &gt; user &gt; package, as the project config does (DESIGN.md, "Where things
 * live"); a source-qualified ref ({@code package:worker}, {@code user:x}, {@code project:y}) picks its source.
 *
 * <p>A profile file is {@code NAME.md}: a first line {@code ---}, YAML frontmatter, a line {@code ---}, then the
 * Markdown prompt. Keys (any other is an error): {@code name} (required, equal to {@code NAME}), {@code description}
 * (required), {@code tags}, {@code runtime}, {@code model}, {@code thinking}, {@code tools}; {@code tags} and
 * {@code tools} take a YAML list or a comma-separated text. Their meaning, defaults and limits are on
 * {@link AgentProfile}. A file is at most {@value #MAX_FILE_BYTES} bytes of UTF-8 with no control character but tabs
 * and line ends; a symlink must stay inside its folder; names starting with '.' are skipped. Each error is one
 * {@link MeshException} line {@code agent file PATH: what is wrong}, naming the key and its line.
 *
 * <p>The user and project folders are read again on every call (the files are small and few), so an edit shows at
 * once; the bundled profiles are read once per JVM. Immutable and thread-safe.
 */
public final class AgentProfiles {
    /** Largest agent file, in bytes (seed 002: "128 KiB per library agent Markdown file"). */
    public static final int MAX_FILE_BYTES = 128 * 1024;
    /** Most agent files read from one folder; the rest, by file name, are reported as one problem. */
    public static final int MAX_FILES = 256;
    /** Longest query, in characters. */
    public static final int MAX_QUERY_CHARS = 1000;
    /** Where the bundled profiles live on the class path, with the {@code index.txt} that lists them. */
    public static final String BUNDLED_FOLDER = "dev/agentmesh/agents/profiles/";

    /**
     * A file that could not be read as a profile; it shadows same-named profiles of lower sources all the same.
     *
     * @param source  the folder's source
     * @param name    the file name without {@code .md}, or null for a problem of the whole folder
     * @param path    the file or the folder
     * @param message the one-line error, naming the file and the key, as {@link #get} throws it
     */
    public record Problem(Source source, String name, Path path, String message) {
    }

    /**
     * One profile of the catalog.
     *
     * @param profile    the profile
     * @param shadowedBy the ref of the profile (or broken file) a bare name resolves to instead, or null when this
     *                   one wins its name
     */
    public record Entry(AgentProfile profile, String shadowedBy) {
        /** @return whether a bare name resolves to this profile */
        public boolean active() {
            return shadowedBy == null;
        }
    }

    /**
     * What the library holds.
     *
     * @param entries  every valid profile, by name, then project, user, package
     * @param problems every file that is not a valid profile, project first; empty when all are valid
     */
    public record Catalog(List<Entry> entries, List<Problem> problems) {
        /** Copies the lists. */
        public Catalog {
            entries = List.copyOf(entries);
            problems = List.copyOf(problems);
        }

        /** @return the profiles bare names resolve to, by name */
        public List<AgentProfile> active() {
            return entries.stream().filter(Entry::active).map(Entry::profile).toList();
        }
    }

    /**
     * A query's hit.
     *
     * @param entry the catalog entry
     * @param score how well it matches, above 0 (0 for every entry of a blank query); rules at {@link #query}
     */
    public record Match(Entry entry, int score) {
    }

    private final Path projectFolder;
    private final Path userFolder;

    private AgentProfiles(Path projectFolder, Path userFolder) {
        this.projectFolder = projectFolder;
        this.userFolder = userFolder;
    }

    /**
     * @param projectRoot the project's root; its {@code .mesh/agents/} is read
     * @param env         environment variables: {@code HOME} locates {@code ~/.mesh/agents/} (the JVM's
     *                    {@code user.home} when absent or blank), as {@link dev.agentmesh.project.MeshEnv} does
     * @return the library of that project and user
     */
    public static AgentProfiles forProject(Path projectRoot, Map<String, String> env) {
        String homeVar = env.get("HOME");
        Path home = Path.of(homeVar == null || homeVar.isBlank() ? System.getProperty("user.home") : homeVar);
        return inFolders(projectRoot.resolve(".mesh/agents"), home.resolve(".mesh/agents"));
    }

    /**
     * @param projectFolder the folder of project profiles, or null for none
     * @param userFolder    the folder of user profiles, or null for none; when it is the project folder (a project
     *                      at the home folder) its files count as project profiles only
     * @return a library over those folders and the bundled profiles; missing folders hold nothing
     */
    public static AgentProfiles inFolders(Path projectFolder, Path userFolder) {
        Path project = projectFolder == null ? null : projectFolder.toAbsolutePath().normalize();
        Path user = userFolder == null ? null : userFolder.toAbsolutePath().normalize();
        if (project != null && user != null && sameFolder(project, user)) {
            user = null;
        }
        return new AgentProfiles(project, user);
    }

    /** @return the bundled profiles, by name; read once per JVM */
    public static List<AgentProfile> bundled() {
        return Bundled.PROFILES;
    }

    /**
     * @return every profile of every source, shadowing shown, and the problems of bad files; never throws for a bad
     *         file (a bad project file does not hide the good ones)
     */
    public Catalog list() {
        return list(EnumSet.allOf(Source.class));
    }

    /**
     * @param sources the sources to read (seed 002's {@code library.sources}); shadowing is among these only
     * @return the profiles of those sources, shadowing shown, and the problems of their bad files
     */
    public Catalog list(Set<Source> sources) {
        Map<Source, ProfileFolder.Scan> scans = scan(sources);
        List<Entry> entries = new ArrayList<>();
        List<Problem> problems = new ArrayList<>();
        for (Source s : PRECEDENCE) {
            ProfileFolder.Scan scan = scans.get(s);
            if (scan == null) {
                continue;
            }
            problems.addAll(scan.problems());
            for (AgentProfile p : scan.profiles()) {
                String winner = resolve(scans, p.name()).map(r -> r.ref).orElseThrow();
                entries.add(new Entry(p, winner.equals(p.ref()) ? null : winner));
            }
        }
        entries.sort(Comparator.comparing((Entry e) -> e.profile().name()).thenComparing(e -> PRECEDENCE.indexOf(e.profile().source())));
        return new Catalog(entries, problems);
    }

    /**
     * @param ref a bare name ({@code worker}: project, else user, else package) or {@code source:name}
     * @return the profile, or empty when no source has a file of that name
     * @throws MeshException (invalid input) for a malformed ref (an unknown source, a name outside
     *                       {@link AgentProfile#NAME} such as {@code ../x}), or when the file it resolves to is not a
     *                       valid profile: that file's one-line error
     */
    public Optional<AgentProfile> find(String ref) {
        Ref r = Ref.parse(ref);
        Map<Source, ProfileFolder.Scan> scans = scan(r.source == null ? EnumSet.allOf(Source.class) : EnumSet.of(r.source));
        Optional<Resolved> hit = resolve(scans, r.name);
        if (hit.isPresent() && hit.get().problem != null) {
            throw MeshException.invalidInput(hit.get().problem.message());
        }
        return hit.map(h -> h.profile);
    }

    /**
     * @param ref as for {@link #find}
     * @return the profile
     * @throws MeshException (invalid input) as {@link #find} does, and when no profile has that ref, naming the ref and
     *                       the known ones
     */
    public AgentProfile get(String ref) {
        return find(ref).orElseThrow(() -> {
            boolean qualified = ref.contains(":");
            List<String> known = list().entries().stream().filter(e -> qualified || e.active())
                    .map(e -> qualified ? e.profile().ref() : e.profile().name()).toList();
            String shown = String.join(", ", known.subList(0, Math.min(40, known.size())))
                    + (known.size() > 40 ? ", and " + (known.size() - 40) + " more" : "");
            return MeshException.invalidInput("no agent profile '" + Texts.quote(ref, 80) + "'; known: " + shown);
        });
    }

    /**
     * Ranks the catalog for a routing query (seed 002, {@code library.query}): only the name, description, tags,
     * default tools, model and thinking count, never the source or path. Weights per query word, once per field:
     * the whole query equal to the name 20; a name part (split at '.', '_', '-') 8, or a name part starting with the
     * word 4; a tag 6; a tool 3 ({@code bash} counts as shell, {@code grep}/{@code find}/{@code ls} as search); a model
     * part 3; the thinking level 3; a description word 2, or one starting with the word (4+ letters) 1. Common words
     * (the, and, for, ...) are ignored.
     *
     * @param text the query, at most {@value #MAX_QUERY_CHARS} characters; null or blank lists every entry with score 0
     * @return the entries scoring above 0, best first; ties: the active one, then project, user, package, then by name
     * @throws MeshException (invalid input) for a query over {@value #MAX_QUERY_CHARS} characters
     */
    public List<Match> query(String text) {
        return query(text, EnumSet.allOf(Source.class));
    }

    /**
     * @param text    as for {@link #query(String)}
     * @param sources the sources to search (seed 002's {@code library.sources})
     * @return as for {@link #query(String)}
     * @throws MeshException (invalid input) for a query over {@value #MAX_QUERY_CHARS} characters
     */
    public List<Match> query(String text, Set<Source> sources) {
        if (text != null && text.length() > MAX_QUERY_CHARS) {
            throw MeshException.invalidInput("agent query is " + text.length() + " characters; the limit is " + MAX_QUERY_CHARS);
        }
        List<Entry> entries = list(sources).entries();
        if (text == null || text.isBlank()) {
            return entries.stream().map(e -> new Match(e, 0)).toList();
        }
        return entries.stream().map(e -> new Match(e, ProfileScore.score(e.profile(), text))).filter(m -> m.score() > 0)
                .sorted(Comparator.comparingInt((Match m) -> -m.score()).thenComparing(m -> !m.entry().active())
                        .thenComparing(m -> PRECEDENCE.indexOf(m.entry().profile().source()))
                        .thenComparing(m -> m.entry().profile().name()))
                .toList();
    }

    private static final List<Source> PRECEDENCE = List.of(Source.PROJECT, Source.USER, Source.PACKAGE);

    private Map<Source, ProfileFolder.Scan> scan(Set<Source> sources) {
        Map<Source, ProfileFolder.Scan> scans = new EnumMap<>(Source.class);
        for (Source s : sources) {
            switch (s) {
                case PACKAGE -> scans.put(s, new ProfileFolder.Scan(Bundled.PROFILES, List.of()));
                case USER -> scans.put(s, userFolder == null ? empty() : ProfileFolder.scan(userFolder, s));
                case PROJECT -> scans.put(s, projectFolder == null ? empty() : ProfileFolder.scan(projectFolder, s));
            }
        }
        return scans;
    }

    private static ProfileFolder.Scan empty() {
        return new ProfileFolder.Scan(List.of(), List.of());
    }

    /** What a name resolves to among the scanned sources: a profile, or the problem of the file that shadows it. */
    private record Resolved(String ref, AgentProfile profile, Problem problem) {
    }

    private static Optional<Resolved> resolve(Map<Source, ProfileFolder.Scan> scans, String name) {
        for (Source s : PRECEDENCE) {
            ProfileFolder.Scan scan = scans.get(s);
            if (scan == null) {
                continue;
            }
            for (AgentProfile p : scan.profiles()) {
                if (p.name().equals(name)) {
                    return Optional.of(new Resolved(p.ref(), p, null));
                }
            }
            for (Problem p : scan.problems()) {
                if (name.equals(p.name())) {
                    return Optional.of(new Resolved(s.id() + ":" + name, null, p));
                }
            }
        }
        return Optional.empty();
    }

    /** A parsed ref: {@code name} or {@code source:name}. */
    private record Ref(Source source, String name) {
        static Ref parse(String ref) {
            if (ref == null || ref.isBlank()) {
                throw MeshException.invalidInput("an agent ref is a name or source:name, e.g. package:worker; it was empty");
            }
            int colon = ref.indexOf(':');
            Source source = colon < 0 ? null : Source.parse(ref.substring(0, colon));
            String name = colon < 0 ? ref : ref.substring(colon + 1);
            try {
                return new Ref(source, AgentProfile.requireName(name));
            } catch (MeshException e) {
                throw MeshException.invalidInput("agent ref '" + Texts.quote(ref, 80) + "': " + e.getMessage());
            }
        }
    }

    private static boolean sameFolder(Path a, Path b) {
        try {
            return a.equals(b) || (Files.exists(a) && Files.exists(b) && Files.isSameFile(a, b));
        } catch (IOException e) {
            return false;
        }
    }

    /** The bundled profiles, listed by {@code index.txt} because a jar's folder cannot be listed reliably. */
    private static final class Bundled {
        static final List<AgentProfile> PROFILES = load();

        private static List<AgentProfile> load() {
            List<AgentProfile> profiles = new ArrayList<>();
            for (String file : resource("index.txt").lines().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList()) {
                String where = "bundled " + BUNDLED_FOLDER + file;
                byte[] bytes = bytes(file);
                try {
                    profiles.add(ProfileParser.parse(where, bytes, file.replaceFirst("\\.md$", ""), Source.PACKAGE, null));
                } catch (MeshException e) {
                    throw MeshException.internal("a bundled agent profile is broken: " + e.getMessage(), e);
                }
            }
            profiles.sort(Comparator.comparing(AgentProfile::name));
            return List.copyOf(profiles);
        }

        private static String resource(String file) {
            return new String(bytes(file), StandardCharsets.UTF_8);
        }

        private static byte[] bytes(String file) {
            try (InputStream in = AgentProfiles.class.getClassLoader().getResourceAsStream(BUNDLED_FOLDER + file)) {
                if (in == null) {
                    throw MeshException.internal("the core jar lacks " + BUNDLED_FOLDER + file, null);
                }
                return in.readNBytes(MAX_FILE_BYTES + 1);
            } catch (IOException e) {
                throw MeshException.internal("cannot read " + BUNDLED_FOLDER + file + " from the core jar", e);
            }
        }
    }
}
