package dev.agentmesh.mesh;

import dev.agentmesh.MeshException;
import dev.agentmesh.mesh.internal.PathPatterns;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Which reservation patterns overlap, and which paths are refused as outside the project. */
class PathPatternsTest {

    /** Precise for globs; the last four rows are patterns stored before globs were checked: everything under their literal prefix. */
    @ParameterizedTest(name = "{0} ~ {1} -> {2}")
    @CsvSource(delimiter = '|', value = {
            "src/a.js | src/a.js | true",
            "src/ | src/a.js | true",
            "src/ | src/deep/b.js | true",
            "src/a.js | src/b.js | false",
            "src/a | src/ab.js | false",
            "./ | docs/x.md | true",
            "newdir | newdir/x.js | true",
            "src/**/*.js | src/a.js | true",
            "src/**/*.js | src/deep/a.js | true",
            "src/**/*.js | src/a.ts | false",
            "src/*.js | src/a.js | true",
            "src/*.js | lib/a.js | false",
            "src/** | src/deep/a.js | true",
            "src/*.js | src/ | true",
            "src/*.js | lib/ | false",
            "src/*.js | src/*.ts | false",
            "lib/*.js | src/*.js | false",
            "src/*.js | src/a* | true",
            "{a,b}/x | b/* | true",
            "src/*/ | src/a/b.js | true",
            "src/*/ | src/a.js | false",
            "**/*.js | newdir | true",
            "src/**/*.js | newdir | false",
            "src/[ | src/a.js | true",
            "src/[ | lib/a.js | false",
            "src/{a | src/*.ts | true",
            "src/{a | lib/*.ts | false",
    })
    void overlapIsSymmetricAndAsExpected(String a, String b, boolean expected) {
        assertThat(PathPatterns.overlap(a, b)).isEqualTo(expected);
        assertThat(PathPatterns.overlap(b, a)).isEqualTo(expected);
    }

    @Test
    void escapesAreRefusedNamingThePath(@TempDir Path tmp) throws Exception {
        Path root = Files.createDirectories(tmp.resolve("repo")).toRealPath();
        Files.createSymbolicLink(root.resolve("out"), tmp);

        assertThatThrownBy(() -> PathPatterns.normalise(root, root, "../x")).isInstanceOf(MeshException.class)
                .hasMessage("path '../x' is outside the project " + root);
        assertThatThrownBy(() -> PathPatterns.normalise(root, root, "/etc/passwd")).hasMessageContaining("'/etc/passwd' is outside");
        assertThatThrownBy(() -> PathPatterns.normalise(root, root, "out/secret")).hasMessageContaining("is outside");
        assertThatThrownBy(() -> PathPatterns.normalise(root, root, "*/../../../etc/passwd")).hasMessageContaining("'..' after a glob");
        assertThatThrownBy(() -> PathPatterns.normalise(root, root, " ")).hasMessage("reservation path is empty");
    }

    @Test
    void aSymlinkInsideTheProjectLeasesWhatItPointsTo(@TempDir Path tmp) throws Exception {
        Path root = Files.createDirectories(tmp.resolve("repo")).toRealPath();
        Files.createDirectories(root.resolve("src"));
        Files.writeString(root.resolve("src/a.js"), "a");
        Files.createSymbolicLink(root.resolve("alias"), root.resolve("src"));

        assertThat(PathPatterns.normalise(root, root, "alias/a.js")).isEqualTo("src/a.js");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "{..,x}/secret|pattern '{..,x}/secret' could match '..' or '.'; write the path without it",
            "[.][.]/secret|pattern '[.][.]/secret' could match '..' or '.'; write the path without it",
            "?./etc|pattern '?./etc' could match '..' or '.'; write the path without it",
            "src/[|pattern 'src/[' has a '[' at column 5 that is never closed",
            "src/{a|pattern 'src/{a' has a '{' at column 5 that is never closed",
            "src/[a/b]|pattern 'src/[a/b]' has a '/' inside [...] at column 7; a character class matches one character of a name",
            "src/[!]|pattern 'src/[!]' has an empty character class at column 5",
    })
    void globsThatEscapeOrDoNotParseAreRefused(String raw, String message, @TempDir Path tmp) throws Exception {
        Path root = tmp.toRealPath();

        assertThatThrownBy(() -> PathPatterns.normalise(root, root, raw)).isInstanceOf(MeshException.class).hasMessage(message);
    }

    @Test
    void controlCharactersLoneSurrogatesAndLongPathsAreRefusedInOneLine(@TempDir Path tmp) throws Exception {
        Path root = tmp.toRealPath();

        assertThatThrownBy(() -> PathPatterns.normalise(root, root, "src/a\n.js"))
                .hasMessage("reservation path 'src/a\\n.js' has a control character \\n at column 6; remove it");
        assertThatThrownBy(() -> PathPatterns.normalise(root, root, "src/\u0007.js"))
                .hasMessage("reservation path 'src/\\u0007.js' has a control character \\u0007 at column 5; remove it");
        assertThatThrownBy(() -> PathPatterns.normalise(root, root, "src/\uD800.js"))
                .hasMessage("reservation path 'src/\\uD800.js' has an unpaired surrogate \\uD800 at column 5; remove it");
        assertThatThrownBy(() -> PathPatterns.normalise(root, root, "src/" + "a".repeat(1996)))
                .hasMessageEndingWith("...' has 2000 characters; the limit is 1024")
                .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(250));
    }

    @Test
    void validGlobsAreKeptAsWritten(@TempDir Path tmp) throws Exception {
        Path root = tmp.toRealPath();
        Files.createDirectories(root.resolve("src"));

        assertThat(PathPatterns.normalise(root, root.resolve("src"), "{a,{b,c}}.js")).isEqualTo("src/{a,{b,c}}.js");
        assertThat(PathPatterns.normalise(root, root, "src/**/*.\uD83D\uDE00")).isEqualTo("src/**/*.\uD83D\uDE00");
        assertThat(PathPatterns.normalise(root, root, "src/*/")).isEqualTo("src/*/");
    }
}
