package org.echofs.tests.process;

import org.junit.jupiter.api.extension.AfterTestExecutionCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.LifecycleMethodExecutionExceptionHandler;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * JUnit 5 extension for tests with {@link GatewayProcess}es: when a test method fails, it prints the
 * tail of each tracked gateway's log to stderr and keeps its data directory (so the whole log stays on
 * disk after {@link GatewayProcess#close()}). Register it with {@code @RegisterExtension} on a static
 * field and pass each gateway through {@link #track}. It runs right after the test method, before
 * {@code @AfterEach}, so per-test gateways closed there are covered too; failures of
 * {@code @BeforeAll}, {@code @BeforeEach}, {@code @AfterEach} and {@code @AfterAll} methods are reported
 * the same way (and rethrown).
 *
 * <p>Threads: {@link #track} may be called from any thread.
 */
public final class GatewayWatcher implements AfterTestExecutionCallback, LifecycleMethodExecutionExceptionHandler {

    private final List<GatewayProcess> tracked = new CopyOnWriteArrayList<>();
    private final int lines;

    public GatewayWatcher() {
        this(60);
    }

    /** @param lines how many lines of each log to print on failure */
    public GatewayWatcher(int lines) {
        this.lines = lines;
    }

    /** Watches {@code gateway} from now on; returns it. */
    public GatewayProcess track(GatewayProcess gateway) {
        tracked.add(gateway);
        return gateway;
    }

    @Override
    public void afterTestExecution(ExtensionContext context) {
        if (context.getExecutionException().isPresent()) report(context);
    }

    @Override
    public void handleBeforeAllMethodExecutionException(ExtensionContext context, Throwable t) throws Throwable {
        report(context);
        throw t;
    }

    @Override
    public void handleBeforeEachMethodExecutionException(ExtensionContext context, Throwable t) throws Throwable {
        report(context);
        throw t;
    }

    @Override
    public void handleAfterEachMethodExecutionException(ExtensionContext context, Throwable t) throws Throwable {
        report(context);
        throw t;
    }

    @Override
    public void handleAfterAllMethodExecutionException(ExtensionContext context, Throwable t) throws Throwable {
        report(context);
        throw t;
    }

    private void report(ExtensionContext context) {
        for (GatewayProcess g : tracked) {
            g.keepFiles();
            System.err.println(context.getDisplayName() + " failed; " + g + "\n" + g.logTail(lines));
        }
    }
}
