/**
 * {@code echofs bench}: a closed-loop NFSv3 load generator on the project's own ONC RPC client
 * ({@link org.echofs.gateway.client.Nfs3Client} over
 * {@link org.echofs.gateway.rpc.RpcClient}), usable against any NFSv3 server.
 *
 * <p>{@link org.echofs.cli.bench.BenchCommand} parses the command line into
 * {@link org.echofs.cli.bench.BenchSettings} and targets ({@link org.echofs.cli.bench.NfsUrl});
 * {@code Bench} opens one {@code Session} per server (connections on a shared event loop group,
 * the URL's directory found through MOUNT, a fresh working directory, shared fixtures) and runs
 * rounds of workloads, alternating between servers; {@code Runner} runs one
 * {@code Workload} (setup, warm-up, measured part, finish, teardown) with connections x depth
 * slots; {@code Report} turns the {@link org.echofs.cli.bench.RunResult}s into the table
 * (medians per server, ratios to the last server) and JSON; {@code ResourceWatch} samples the
 * memory and CPU time of servers running on this machine. What one op of each workload is, is
 * written on the workload classes and in docs/performance.md.
 *
 * <p>No static mutable state: everything a run uses hangs off the command's objects.
 */
package org.echofs.cli.bench;
