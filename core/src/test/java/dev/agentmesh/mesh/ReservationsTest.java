package dev.agentmesh.mesh;

import dev.agentmesh.MeshException;
import dev.agentmesh.MeshFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Reservations as leases: conflicts are refused with holder, reason and time; leaving releases. */
class ReservationsTest {

    private static Presence.JoinRequest named(String name) {
        return new Presence.JoinRequest(name, ProcessHandle.current().pid(), null, "cli", null, null);
    }

    @Test
    void secondExclusiveReservationIsRefusedNamingTheHolder(@TempDir Path tmp) throws Exception {
        MeshFixture f = new MeshFixture(tmp);
        f.mesh.presence().join(named("Alice"));
        f.mesh.presence().join(named("Bob"));
        f.mesh.reservations().reserve("Alice", f.root, List.of("src/"), "Refactoring", true, null);

        assertThatThrownBy(() -> f.mesh.reservations().reserve("Bob", f.root, List.of("src/a.js"), "fix", true, null))
                .isInstanceOf(MeshException.class)
                .hasMessageStartingWith("src/a.js is reserved by Alice (src/) since ")
                .hasMessageContaining(": Refactoring");
        assertThat(f.mesh.reservations().list()).extracting(Reservation::holder).containsExactly("Alice");
    }

    @Test
    void pathsAreNormalisedAgainstTheProjectRoot(@TempDir Path tmp) throws Exception {
        MeshFixture f = new MeshFixture(tmp);
        f.mesh.presence().join(named("Alice"));

        List<Reservation> r = f.mesh.reservations().reserve("Alice", f.root.resolve("src"),
                List.of("./a.js", "../src", "../src/**/*.ts", "../"), null, true, null);

        assertThat(r).extracting(Reservation::pattern).containsExactly("src/a.js", "src/", "src/**/*.ts", "./");
    }

    @Test
    void aPathOutsideTheProjectIsRefused(@TempDir Path tmp) throws Exception {
        MeshFixture f = new MeshFixture(tmp);
        f.mesh.presence().join(named("Alice"));
        Files.createSymbolicLink(f.root.resolve("escape"), tmp);

        assertThatThrownBy(() -> f.mesh.reservations().reserve("Alice", f.root, List.of("../elsewhere.txt"), null, true, null))
                .hasMessageContaining("path '../elsewhere.txt' is outside the project");
        assertThatThrownBy(() -> f.mesh.reservations().reserve("Alice", f.root, List.of("escape/mesh.db"), null, true, null))
                .hasMessageContaining("is outside the project");
        assertThat(f.mesh.reservations().list()).isEmpty();
    }

    @Test
    void leavingReleasesAndSharedLeasesCoexist(@TempDir Path tmp) throws Exception {
        MeshFixture f = new MeshFixture(tmp);
        f.mesh.presence().join(named("Alice"));
        f.mesh.presence().join(named("Bob"));
        f.mesh.reservations().reserve("Alice", f.root, List.of("docs/"), null, false, null);
        f.mesh.reservations().reserve("Bob", f.root, List.of("docs/"), null, false, null);
        f.mesh.reservations().reserve("Alice", f.root, List.of("src/a.js"), null, true, null);

        assertThat(f.mesh.presence().leave("Alice")).isEqualTo(2);

        f.mesh.reservations().reserve("Bob", f.root, List.of("src/a.js"), null, true, null);
        assertThat(f.mesh.reservations().list()).extracting(Reservation::pattern).containsExactly("docs/", "src/a.js");
    }

    @Test
    void aDeadHoldersLeaseIsReaped(@TempDir Path tmp) throws Exception {
        MeshFixture f = new MeshFixture(tmp);
        Process holder = new ProcessBuilder("sleep", "60").start();
        f.mesh.presence().join(new Presence.JoinRequest("Ghost", holder.pid(), null, "cli", null, null));
        f.mesh.reservations().reserve("Ghost", f.root, List.of("src/a.js"), null, true, null);
        f.mesh.presence().join(named("Bob"));
        holder.destroyForcibly().waitFor();

        f.mesh.reservations().reserve("Bob", f.root, List.of("src/a.js"), null, true, null);

        assertThat(f.mesh.presence().whois("Ghost").present()).isFalse();
    }
}
