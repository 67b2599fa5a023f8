package io.vigil.jobs;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Keeps the module graph one way: {@code schemas ← models ← operators ← jobs}, and the model code
 * free of Flink (DESIGN §5.1).
 */
class ModuleDependencyTest {

    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes =
                new ClassFileImporter()
                        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                        .importPackages("io.vigil");
    }

    @Test
    void schemasDependOnNothingOfOurs() {
        noClasses()
                .that()
                .resideInAPackage("io.vigil.schemas..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("io.vigil.models..", "io.vigil.operators..", "io.vigil.jobs..")
                .check(classes);
    }

    @Test
    void modelsDependOnNeitherFlinkNorOperatorsNorJobs() {
        noClasses()
                .that()
                .resideInAPackage("io.vigil.models..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("org.apache.flink..", "io.vigil.operators..", "io.vigil.jobs..")
                .check(classes);
    }

    @Test
    void operatorsDoNotDependOnJobs() {
        noClasses()
                .that()
                .resideInAPackage("io.vigil.operators..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("io.vigil.jobs..")
                .check(classes);
    }

    @Test
    void allModulesAreOnTheClasspath() {
        // Guards the rules above against passing vacuously on an empty import.
        org.assertj.core.api.Assertions.assertThat(classes.containPackage("io.vigil.schemas"))
                .isTrue();
        org.assertj.core.api.Assertions.assertThat(classes.containPackage("io.vigil.models"))
                .isTrue();
        org.assertj.core.api.Assertions.assertThat(classes.containPackage("io.vigil.operators"))
                .isTrue();
    }
}
