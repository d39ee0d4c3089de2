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

    @ParameterizedTest(name = "{0} ~ {1} -> {2}")
    @CsvSource({
            "src/a.js, src/a.js, true",
            "src/, src/a.js, true",
            "src/, src/deep/b.js, true",
            "src/a.js, src/b.js, false",
            "src/a, src/ab.js, false",
            "./, docs/x.md, true",
            "newdir, newdir/x.js, true",
            "src/**/*.js, src/a.js, true",
            "src/**/*.js, src/deep/a.js, true",
            "src/**/*.js, src/a.ts, false",
            "src/*.js, src/a.js, true",
            "src/*.js, lib/a.js, false",
            "src/**, src/deep/a.js, true",
            "src/*.js, src/, true",
            "src/*.js, lib/, false",
            "src/*.js, src/*.ts, true",
            "lib/*.js, src/*.js, false",
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
}
