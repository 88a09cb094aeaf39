package org.echofs.gateway.rpc;

import org.echofs.gateway.xdr.XdrDecoder;
import org.echofs.gateway.xdr.XdrEncoder;
import org.echofs.gateway.xdr.XdrException;
import org.echofs.gateway.xdr.XdrWritable;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A program whose replies are as large as the caller asks, and which reserves exactly that: the
 * memory-budget tests' READ. Answers on the I/O thread.
 */
final class BigReplyProgram implements RpcProgram {

    static final int PROG = 400200;
    static final int NULL = 0;
    /** Arguments: an int n. Results: an opaque of n bytes, each the low byte of the xid. Reserves n + 8. */
    static final int BIG = 1;
    /** Parks the call in {@link #held}. */
    static final int HOLD = 2;
    /** Encoding the reply runs out of memory. */
    static final int OOM = 3;
    /** Answers every call parked in {@link #held} (on this call's I/O thread), then itself. */
    static final int RELEASE = 4;

    final AtomicInteger bigDispatched = new AtomicInteger();
    final LinkedBlockingQueue<RpcCall> held = new LinkedBlockingQueue<>();

    static byte[] bigArgs(int size) {
        return RawCall.xdr().i(size).get();
    }

    @Override public int program() { return PROG; }

    @Override public int lowVersion() { return 1; }

    @Override public int highVersion() { return 1; }

    @Override public boolean hasProcedure(int version, int procedure) { return procedure >= NULL && procedure <= RELEASE; }

    @Override public boolean isNonIdempotent(int version, int procedure) { return false; }

    @Override public String procedureName(int version, int procedure) { return "B" + procedure; }

    @Override
    public int replyReservation(int version, int procedure, XdrDecoder args) throws XdrException {
        return procedure == BIG ? args.readInt() + 8 : DEFAULT_REPLY_RESERVATION;
    }

    @Override
    public void dispatch(RpcCall call) {
        switch (call.procedure()) {
            case NULL -> call.reply(XdrWritable.VOID);
            case BIG -> {
                int size;
                try {
                    size = call.args().readInt();
                } catch (XdrException e) {
                    call.replyGarbageArgs();
                    return;
                }
                bigDispatched.incrementAndGet();
                byte fill = (byte) call.xid();
                call.reply(new XdrWritable() {
                    @Override
                    public void write(XdrEncoder enc) {
                        byte[] b = new byte[size];
                        java.util.Arrays.fill(b, fill);
                        enc.writeOpaque(b);
                    }

                    @Override
                    public int sizeHint() {
                        return size + 4;
                    }
                });
            }
            case HOLD -> held.add(call);
            case OOM -> call.reply(enc -> {
                throw new OutOfMemoryError("Cannot reserve 1048576 bytes of direct buffer memory (test)");
            });
            case RELEASE -> {
                RpcCall c;
                while ((c = held.poll()) != null) c.reply(XdrWritable.VOID);
                call.reply(XdrWritable.VOID);
            }
            default -> call.replyProcedureUnavailable();
        }
    }
}
