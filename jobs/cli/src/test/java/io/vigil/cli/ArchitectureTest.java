package io.vigil.cli;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The layering of all of vigil's main code, seen from the one module that has every other on its
 * class path: no package cycles anywhere, and dependencies one way, {@code schemas ← models ←
 * operators ← the understand job ← the command line}, with the embedded broker used by the command
 * line only. The Maven module graph forbids module cycles; these rules also catch what it allows: a
 * cycle between packages of one module, the job reaching for the broker or the command line through
 * a new dependency, Flink in the model code.
 */
class ArchitectureTest {

    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes =
                new ClassFileImporter()
                        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                        .importPackages("io.vigil");
    }

    @Test
    void everyModuleIsImported() {
        // guards the rules below against passing vacuously on an empty import
        for (String p :
                new String[] {
                    "io.vigil.schemas",
                    "io.vigil.models",
                    "io.vigil.models.video",
                    "io.vigil.operators.memory",
                    "io.vigil.jobs.understand",
                    "io.vigil.jobs.kafka",
                    "io.vigil.cli",
                    "io.vigil.cli.common",
                    "io.vigil.cli.demo"
                }) {
            assertThat(classes.containPackage(p)).as(p).isTrue();
        }
    }

    @Test
    void noPackageCycles() {
        slices().matching("io.vigil.(**)").should().beFreeOfCycles().check(classes);
    }

    @Test
    void layersPointOneWay() {
        layeredArchitecture()
                .consideringOnlyDependenciesInAnyPackage("io.vigil..")
                .layer("schemas")
                .definedBy("io.vigil.schemas..")
                .layer("models")
                .definedBy("io.vigil.models..")
                .layer("operators")
                .definedBy("io.vigil.operators..")
                .layer("job")
                .definedBy("io.vigil.jobs.understand..")
                .layer("broker")
                .definedBy("io.vigil.jobs.kafka..")
                .layer("cli")
                .definedBy("io.vigil.cli..")
                .whereLayer("cli")
                .mayNotBeAccessedByAnyLayer()
                .whereLayer("broker")
                .mayOnlyBeAccessedByLayers("cli")
                .whereLayer("job")
                .mayOnlyBeAccessedByLayers("cli")
                .whereLayer("operators")
                .mayOnlyBeAccessedByLayers("job", "cli")
                .whereLayer("models")
                .mayOnlyBeAccessedByLayers("operators", "job", "cli")
                .check(classes);
    }

    @Test
    void modelCodeKnowsNoFlinkNorKafka() {
        noClasses()
                .that()
                .resideInAnyPackage("io.vigil.models..", "io.vigil.schemas..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("org.apache.flink..", "org.apache.kafka..")
                .check(classes);
    }

    @Test
    void theJobCarriesNoBrokerAndNoCommandLine() {
        noClasses()
                .that()
                .resideInAnyPackage(
                        "io.vigil.jobs.understand..", "io.vigil.operators..", "io.vigil.models..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("kafka..", "org.apache.kafka.server..", "picocli..")
                .check(classes);
    }
}
