package dev.agentmesh;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The direction of dependencies (DESIGN.md, "Layout"): checked on the main classes of every module, so a change
 * that breaks it fails the build with the offending class and dependency named.
 */
class ArchitectureTest {
    private static JavaClasses main;

    @BeforeAll
    static void importMainClasses() {
        main = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.agentmesh");
    }

    @Test
    void featurePackagesHaveNoCycles() {
        slices().matching("dev.agentmesh.(*)..").should().beFreeOfCycles().check(main);
    }

    @Test
    void internalPackagesAreUsedOnlyByTheirOwnFeature() {
        classes().that().resideInAPackage("dev.agentmesh.(*).internal..")
                .should(new ArchCondition<>("be used only from their own feature") {
                    @Override
                    public void check(JavaClass target, ConditionEvents events) {
                        String feature = featureOf(target.getPackageName());
                        target.getDirectDependenciesToSelf().forEach(d -> {
                            String from = d.getOriginClass().getPackageName();
                            if (!from.equals("dev.agentmesh." + feature) && !from.startsWith("dev.agentmesh." + feature + ".")) {
                                events.add(SimpleConditionEvent.violated(d, d.getDescription()));
                            }
                        });
                    }
                }).check(main);
    }

    @Test
    void onlyTablesAndTheStoreTouchJdbi() {
        noClasses().that().resideOutsideOfPackage("dev.agentmesh.store..").and().haveSimpleNameNotEndingWith("Table")
                .should().dependOnClassesThat().resideInAPackage("org.jdbi..").check(main);
    }

    @Test
    void theStoreImportsNoFeature() {
        noClasses().that().resideInAPackage("dev.agentmesh.store..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.agentmesh.mesh..", "dev.agentmesh.crew..",
                        "dev.agentmesh.api..", "dev.agentmesh.runtime..", "dev.agentmesh.model..", "dev.agentmesh.project..",
                        "dev.agentmesh.cli..", "dev.agentmesh.server..")
                .check(main);
    }

    @Test
    void theCliNeverTouchesTheStore() {
        noClasses().that().resideInAPackage("dev.agentmesh.cli..")
                .should().dependOnClassesThat().resideInAPackage("dev.agentmesh.store..")
                .orShould().dependOnClassesThat().haveSimpleNameEndingWith("Table")
                .check(main);
    }

    @Test
    void coreImportsNoCliOrWebFramework() {
        noClasses().that().resideInAnyPackage("dev.agentmesh", "dev.agentmesh.api..", "dev.agentmesh.mesh..",
                        "dev.agentmesh.crew..", "dev.agentmesh.store..", "dev.agentmesh.project..", "dev.agentmesh.runtime..",
                        "dev.agentmesh.model..")
                .should().dependOnClassesThat().resideInAnyPackage("picocli..", "org.eclipse.jetty..", "io.javalin..",
                        "jakarta.servlet..", "io.modelcontextprotocol..")
                .check(main);
    }

    @Test
    void theRuntimeSpiHasNoProcessCode() {
        // issue 6, part 1: the SPI in core is API only; starting and driving processes is the runtimes module's
        noClasses().that().resideInAPackage("dev.agentmesh.runtime..")
                .should().dependOnClassesThat().haveFullyQualifiedName(ProcessBuilder.class.getName())
                .orShould().dependOnClassesThat().haveFullyQualifiedName(Process.class.getName())
                .check(main);
    }

    private static String featureOf(String pkg) {
        String rest = pkg.substring("dev.agentmesh.".length());
        return rest.substring(0, rest.indexOf('.'));
    }
}
