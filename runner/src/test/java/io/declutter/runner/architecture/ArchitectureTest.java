package io.declutter.runner.architecture;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideOutsideOfPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The package rules of the production code (both modules, tests left out): the pipeline introspect -> model -> plan
 * -> render depends one way; dialect-specific code lives in {@code dialect.postgres} and {@code dialect.oracle}, and
 * nothing else names it (the dialects are found through {@code java.util.ServiceLoader}); the CLI and the run loop
 * reach the database only through the dialect API, and so does the service ({@code declutter serve}).
 */
class ArchitectureTest {

    private static final String MODEL = "io.declutter.model..";
    private static final String CONFIG = "io.declutter.config..";
    private static final String PLAN = "io.declutter.plan..";
    private static final String RENDER = "io.declutter.render..";
    private static final String INTROSPECT = "io.declutter.introspect..";
    /** The dialect API: the package itself, not the implementations below it. */
    private static final String DIALECT_API = "io.declutter.dialect";
    private static final String POSTGRES = "io.declutter.dialect.postgres..";
    private static final String ORACLE = "io.declutter.dialect.oracle..";
    private static final String RUNNER = "io.declutter.runner..";

    private static JavaClasses production;

    @BeforeAll
    static void importClasses() {
        production = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.declutter");
    }

    @Test
    void theModelDependsOnNothingOfDeclutterButItself() {
        classes().that().resideInAPackage(MODEL).should().onlyDependOnClassesThat(
                resideOutsideOfPackage("io.declutter..").or(resideInAnyPackage(MODEL))).check(production);
    }

    @Test
    void planningIsPureAnalysisOfTheModel() {
        noClasses().that().resideInAPackage(PLAN).should().dependOnClassesThat()
                .resideInAnyPackage(RENDER, INTROSPECT, "io.declutter.dialect..", CONFIG, RUNNER).check(production);
    }

    @Test
    void introspectionReadsTheCatalogOnly() {
        noClasses().that().resideInAPackage(INTROSPECT).should().dependOnClassesThat()
                .resideInAnyPackage(PLAN, RENDER, POSTGRES, ORACLE, RUNNER).check(production);
    }

    @Test
    void renderingNeverIntrospectsAndNamesNoDialect() {
        noClasses().that().resideInAPackage(RENDER).should().dependOnClassesThat()
                .resideInAnyPackage(INTROSPECT, POSTGRES, ORACLE, RUNNER).check(production);
    }

    @Test
    void theDialectApiNamesNoImplementation() {
        noClasses().that().resideInAPackage(DIALECT_API).should().dependOnClassesThat()
                .resideInAnyPackage(POSTGRES, ORACLE, INTROSPECT, RENDER, RUNNER).check(production);
    }

    @Test
    void nothingOutsideADialectPackageNamesADialect() {
        noClasses().that().resideOutsideOfPackages(POSTGRES).should().dependOnClassesThat().resideInAPackage(POSTGRES)
                .check(production);
        noClasses().that().resideOutsideOfPackages(ORACLE).should().dependOnClassesThat().resideInAPackage(ORACLE)
                .check(production);
    }

    @Test
    void theCliAndTheRunLoopUseOnlyTheDialectApi() {
        DescribedPredicate<JavaClass> allowed = resideOutsideOfPackage("io.declutter..")
                .or(resideInAnyPackage(RUNNER, MODEL, CONFIG, PLAN, DIALECT_API))
                .or(JavaClass.Predicates.equivalentTo(io.declutter.introspect.RecordedCatalog.class));
        classes().that().resideInAnyPackage("io.declutter.runner.cli..", "io.declutter.runner.purge..",
                "io.declutter.runner.serve..",
                "io.declutter.runner.db..").should().onlyDependOnClassesThat(allowed).check(production);
    }

    @Test
    void theGeneratorPackagesHaveNoCycles() {
        JavaClasses generator = production.that(resideOutsideOfPackage(RUNNER));
        slices().matching("io.declutter.(**)").should().beFreeOfCycles().check(generator);
    }
}
