package io.vigil.models;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** {@code models} has no Flink dependency and knows nothing of the modules above. */
class ModelsArchitectureTest {
    static final JavaClasses CLASSES =
            new ClassFileImporter()
                    .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                    .importPackages("io.vigil.models");

    @Test
    void noFlink() {
        noClasses()
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("org.apache.flink..", "org.apache.kafka..")
                .check(CLASSES);
    }

    @Test
    void noUpperModules() {
        noClasses()
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("io.vigil.operators..", "io.vigil.jobs..")
                .check(CLASSES);
    }

    @Test
    void videoDoesNotDependOnTheModel() {
        noClasses()
                .that()
                .resideInAPackage("io.vigil.models.video..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("ai.onnxruntime..")
                .check(CLASSES);
    }
}
