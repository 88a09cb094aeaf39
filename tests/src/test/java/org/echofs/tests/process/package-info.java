/**
 * Real gateway processes for tests: {@link org.echofs.tests.process.GatewayProcess} starts
 * {@code cli/target/echofs.jar} in a fresh data directory on ephemeral loopback ports and controls it
 * (SIGKILL, SIGSTOP/SIGCONT, restart on the same directory and ports, clean stop);
 * {@link org.echofs.tests.process.GatewayWatcher} prints a failed test's gateway log and keeps its
 * directory; {@link org.echofs.tests.process.Prometheus} reads the metrics endpoint;
 * {@link org.echofs.tests.process.RawNfs} has the NULL, MNT and GETATTR calls the fixtures need.
 *
 * <p>Typical use (the class must be named {@code *IT}, so failsafe runs it after the jar is packaged):
 * <pre>{@code
 * @RegisterExtension static final GatewayWatcher WATCH = new GatewayWatcher();
 *
 * try (GatewayProcess g = WATCH.track(GatewayProcess.start(new GatewayProcess.Options().heap("256m")))) {
 *     try (RpcClient c = g.connect(Duration.ofSeconds(10))) { byte[] root = RawNfs.mount(c, "/export"); ... }
 *     g.kill9();
 *     g.restart();           // same directory, same ports, new pid
 *     g.metrics().value("rpc_calls_received");
 * }
 * }</pre>
 */
package org.echofs.tests.process;
