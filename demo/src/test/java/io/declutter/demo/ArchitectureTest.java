package io.declutter.demo;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideOutsideOfPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;

/**
 * The package rules of the modules around the runner (the runner's own are in its ArchitectureTest): the demo and
 * the benchmark drive declutter as a user would, through the CLI, the model and the dialect API, never a dialect
 * implementation or the generator's internals; {@code localdb} knows nothing of declutter, so the runner can take it
 * at test scope without a cycle.
 */
class ArchitectureTest {

    private static JavaClasses production;

    @BeforeAll
    static void importClasses() {
        production = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.declutter");
    }

    @Test
    void theDemoAndTheBenchmarkUseOnlyTheRunnerTheModelAndTheDialectApi() {
        classes().that().resideInAPackage("io.declutter.demo..").should().onlyDependOnClassesThat(
                resideOutsideOfPackage("io.declutter..").or(resideInAnyPackage("io.declutter.demo..",
                        "io.declutter.localdb..", "io.declutter.runner..", "io.declutter.model..",
                        "io.declutter.config..", "io.declutter.dialect"))).check(production);
    }

    @Test
    void localdbKnowsNothingOfDeclutter() {
        classes().that().resideInAPackage("io.declutter.localdb..").should().onlyDependOnClassesThat(
                resideOutsideOfPackage("io.declutter..").or(resideInAnyPackage("io.declutter.localdb.."))).check(production);
    }
}
