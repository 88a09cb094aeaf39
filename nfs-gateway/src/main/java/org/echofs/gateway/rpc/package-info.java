/**
 * ONC RPC (RFC 5531) over TCP on Netty: {@link org.echofs.gateway.rpc.RpcServer} serves
 * {@link org.echofs.gateway.rpc.RpcProgram}s, {@link org.echofs.gateway.rpc.RpcClient} calls
 * them. Both use record marking with multi-fragment reassembly and a size limit checked before
 * anything is buffered.
 *
 * <p>Choices where RFC 5531 leaves room:
 * <ul>
 *   <li>A record that is not a call (shorter than xid + message type, or a REPLY) is ignored and
 *       counted ({@code rpc.records.ignored}); the connection stays, since its framing is
 *       intact. A call header cut short after the message type is answered GARBAGE_ARGS.</li>
 *   <li>Credentials: AUTH_NONE (any body up to 400 bytes) and AUTH_SYS (machine name up to 255
 *       bytes, at most 16 gids, body exactly as long as its contents). Anything else, and any
 *       malformed or truncated credential, is AUTH_ERROR / AUTH_BADCRED, as Linux nfsd answers
 *       an unknown flavor. A verifier other than AUTH_NONE of at most 400 bytes is
 *       AUTH_BADVERF.</li>
 *   <li>Non-idempotent procedures go through a duplicate-request cache keyed on client address
 *       (not port, so a reconnecting client is recognised), xid, program, version, procedure and
 *       a checksum of the arguments.</li>
 * </ul>
 *
 * <h2>Memory</h2>
 *
 * <p>The server keeps one account of the bytes it holds on behalf of connections, against two
 * budgets: the server's ({@code memoryBudget}: by default half of the JVM's direct memory,
 * 16 MiB to 1 GiB) and each connection's ({@code connectionBudget}, 16 MiB). Counted, from the
 * moment they exist until they are gone:
 * <ul>
 *   <li>partial records being reassembled (bytes arrived so far, never what a header announces;
 *       but a record received into a slab, see below, counts the slab buffer's whole size, which
 *       is the record's, from its first byte);</li>
 *   <li>the request record of every call, while it waits and while it runs;</li>
 *   <li>a reply reservation for every call dispatched, replaced by the reply's real size when the
 *       answer comes back to the event loop, and released when the channel reports the reply
 *       written to the socket (or the connection is gone).</li>
 * </ul>
 * The gauge {@code rpc.memory.reserved} shows the account; {@code rpc.buffered.bytes} the
 * partial-record part of it.
 *
 * <p>Rules, in the spirit of Linux nfsd's {@code svc_reserve}:
 * <ul>
 *   <li><b>Reserve before dispatch.</b> {@link org.echofs.gateway.rpc.RpcProgram#replyReservation}
 *       says how large a call's results may get (NFS: READ its count, READDIR/READDIRPLUS their
 *       counts, all capped at rtmax; other procedures 512 bytes); the server adds its header. A
 *       call is dispatched only if that fits: the connection's account (unless the connection has
 *       nothing in progress, so one call can always run) and the server's. The call's own request
 *       does not count against it: it is in memory either way, and only running the call gives it
 *       back. Otherwise the call waits, in order, in its connection's queue, and the connection is
 *       not read while any of its calls wait. No thread ever blocks for memory.</li>
 *   <li><b>Small calls keep room.</b> Reservations over 64 KiB may fill seven eighths of the
 *       server's budget; smaller ones all of it, so that clients filling the budget with large
 *       READs they do not read leave room for GETATTR, LOOKUP and small READs of everyone else.</li>
 *   <li><b>Waking up.</b> A call that waits for the server's budget puts its connection in one
 *       first-come first-served queue; bytes given back wake the first connection if its head
 *       call fits, on its own event loop. A woken connection takes one call per turn while others
 *       wait (round robin), then queues again. A connection whose own replies are backed up
 *       (its client does not read) takes no new large reservation while others wait: freed bytes
 *       go to clients that take their replies; it tries again when its writes move.</li>
 *   <li><b>Reading stops</b> on a connection at its in-flight call limit, at its budget, while its
 *       socket is not writable, while calls of it wait, and on every connection while the
 *       server's account is at its budget or partial records are over their share.</li>
 *   <li><b>Hoarders go first.</b> Partial records may take half of the server's budget. When
 *       they take more, or the budget is exceeded while they hold a quarter of it, the connection
 *       holding the most partial-record bytes is closed (not whoever happened to send the last
 *       byte) and its partial record dropped at once; counted in
 *       {@code rpc.connections.budget_closed}, logged at WARN at most every ten seconds.</li>
 *   <li><b>Stalled writers go.</b> A connection with replies waiting to be written that makes no
 *       write progress for {@code writeStallTimeout} (30 s) is closed
 *       ({@code rpc.connections.write_stalls}).</li>
 *   <li><b>Closing gives everything back, once</b>: the partial record, waiting calls (their
 *       places in the duplicate-request cache too), replies not yet written (the channel fails
 *       their promises); calls still running give back theirs when they are answered.</li>
 *   <li><b>Nothing is lost silently.</b> A reply that cannot be encoded, whatever the
 *       {@code Throwable} (OutOfMemoryError included), is answered SYSTEM_ERR; if even that
 *       cannot be built, the connection is closed so the client retransmits. Counted in
 *       {@code rpc.replies.encode_failures}, logged at WARN once per procedure.</li>
 * </ul>
 *
 * <p>Cost on the fast path: per call, a few field updates on the event loop; the shared counter
 * (one atomic) is touched once per read batch for small calls (a connection takes a 64 KiB
 * credit with its first small call and gives back what it did not use when the batch ends),
 * once per large reservation, and once per flush for the bytes written.
 *
 * <p>Slabs: large data buffers (READ data of at least half a maximum record, records of that
 * size that arrive as one fragment spanning socket reads, such as a 1 MiB WRITE) come from a
 * bounded pool of slabs, direct buffers of the maximum record size that are allocated when first
 * needed and reused until the server closes ({@code maxSlabs}, by default as many as fill a
 * third of the budget, at most 64). Reusing them spares the allocation, zeroing, page faults and freeing
 * of fresh memory that a pooled allocator incurs for buffers this large. When every slab is in
 * use, buffers come from the pooled allocator as before ({@code rpc.slabs.fallbacks}); gauges
 * {@code rpc.slabs.allocated} and {@code rpc.slabs.in_use}.
 *
 * <p>Limits: the account covers what the server holds; bytes in the kernel's socket buffers, the
 * allocator's pooled but free chunks, free slabs and the unused end of a slab, and per-read I/O
 * buffers are outside it, and a read can take the account past the budget by one read buffer
 * (or one slab) per connection before reading stops.
 * Data a program reads for its reply before the reply exists (the NFS READ handler reads into a
 * pooled direct buffer or a slab that becomes part of the reply, see
 * {@link org.echofs.gateway.xdr.XdrEncoder#appendOpaque}) is covered by the call's reply
 * reservation until the reply is handed over, then by the reply's bytes.
 *
 * <p>Programs are dispatched on the I/O thread and answer from any thread; see
 * {@link org.echofs.gateway.rpc.RpcCall}.
 */
package org.echofs.gateway.rpc;
