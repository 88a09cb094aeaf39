package org.echofs.tests.arch;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/**
 * The module rules of DESIGN.md, checked on the production classes: echo-core is pure (no
 * networking, files, threads or clock), and no production module reaches into the storage or
 * gateway implementation except the cli composition root.
 */
class ArchitectureTest {

    private static JavaClasses production;

    @BeforeAll
    static void importClasses() {
        production = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("org.echofs");
    }

    @Test
    void echoCoreDoesNoIo() {
        ArchRule rule = noClasses().that().resideInAPackage("org.echofs.core..")
                .should().dependOnClassesThat().resideInAnyPackage(
                        "java.net..", "java.nio.channels..", "java.nio.file..", "java.io..", "io.netty..",
                        "java.sql..", "javax.net..", "java.util.concurrent.locks..")
                .because("echo-core is pure logic: no sockets, files or locks");
        rule.check(production);
    }

    @Test
    void echoCoreStartsNoThreadsAndReadsNoClock() {
        ArchRule threads = noClasses().that().resideInAPackage("org.echofs.core..")
                .should().dependOnClassesThat().haveFullyQualifiedName("java.lang.Thread")
                .orShould().dependOnClassesThat().haveSimpleNameEndingWith("Executor")
                .orShould().dependOnClassesThat().haveSimpleNameEndingWith("ExecutorService")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("java.util.concurrent.Executors")
                .because("echo-core owns no threads or executors");
        threads.check(production);
        ArchRule clock = noClasses().that().resideInAPackage("org.echofs.core..")
                .should().callMethod(System.class, "currentTimeMillis")
                .orShould().callMethod(System.class, "nanoTime")
                .orShould().callMethod(Thread.class, "sleep", long.class)
                .orShould().dependOnClassesThat().haveFullyQualifiedName("java.time.Clock")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("java.time.Instant")
                .because("time comes only from the injected org.echofs.core.time.Clock");
        clock.check(production);
    }

    @Test
    void gatewayDoesNotDependOnStorageImplementation() {
        noClasses().that().resideInAPackage("org.echofs.gateway..")
                .should().dependOnClassesThat().resideInAPackage("org.echofs.storage..")
                .because("the gateway reaches storage only through the Volume seam in echo-core")
                .check(production);
    }

    @Test
    void storageDoesNotDependOnGateway() {
        noClasses().that().resideInAPackage("org.echofs.storage..")
                .should().dependOnClassesThat().resideInAnyPackage("org.echofs.gateway..", "org.echofs.cli..")
                .check(production);
    }

    @Test
    void onlyTheCliDependsOnTheCli() {
        noClasses().that().resideOutsideOfPackage("org.echofs.cli..")
                .should().dependOnClassesThat().resideInAPackage("org.echofs.cli..")
                .check(production);
    }
}
