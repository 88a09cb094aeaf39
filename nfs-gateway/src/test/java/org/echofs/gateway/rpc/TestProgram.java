package org.echofs.gateway.rpc;

import org.echofs.gateway.xdr.XdrException;
import org.echofs.gateway.xdr.XdrWritable;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;

/** A program with one procedure per behaviour the RPC layer must handle. */
final class TestProgram implements RpcProgram {

    static final int PROG = 400100;
    static final int LOW = 1;
    static final int HIGH = 3;

    static final int NULL = 0;
    /** Echoes an opaque argument. */
    static final int ECHO = 1;
    /** Throws from dispatch. */
    static final int THROW = 2;
    /** Answers GARBAGE_ARGS unless the arguments hold one int. */
    static final int ONE_INT = 3;
    /** Parks the call in {@link #held}. */
    static final int HOLD = 4;
    /** Non-idempotent: counts its executions and answers the count and its int argument. */
    static final int COUNT = 5;
    /** Answers the credential: flavor, and for AUTH_SYS uid, gid, gids and machine name. */
    static final int WHOAMI = 6;
    static final int PROC_UNAVAIL = 7;
    static final int AUTH_TOOWEAK = 8;
    /** Non-idempotent, parked in {@link #held}. */
    static final int HOLD_CACHED = 9;
    static final int SYSTEM_ERR = 10;
    /** Answers twice. */
    static final int TWICE = 11;
    static final int DROP = 12;
    /** Writing its reply throws. */
    static final int BAD_BODY = 13;
    /** Throws an Error (NoClassDefFoundError, as from a jar replaced under the JVM) from dispatch. */
    static final int THROW_ERROR = 14;
    /** Not served: hasProcedure says no. */
    static final int MISSING = 99;

    final LinkedBlockingQueue<RpcCall> held = new LinkedBlockingQueue<>();
    final AtomicInteger counted = new AtomicInteger();
    final AtomicIntegerArray dispatched = new AtomicIntegerArray(100);

    @Override public int program() { return PROG; }

    @Override public int lowVersion() { return LOW; }

    @Override public int highVersion() { return HIGH; }

    @Override public boolean hasProcedure(int version, int procedure) {
        return procedure >= 0 && procedure <= THROW_ERROR;
    }

    @Override public boolean isNonIdempotent(int version, int procedure) {
        return procedure == COUNT || procedure == HOLD_CACHED;
    }

    @Override public String procedureName(int version, int procedure) {
        return "P" + procedure;
    }

    @Override
    public void dispatch(RpcCall call) {
        dispatched.incrementAndGet(call.procedure());
        try {
            switch (call.procedure()) {
                case NULL -> call.reply(XdrWritable.VOID);
                case ECHO -> {
                    byte[] b = call.args().readOpaque(4 * 1024 * 1024);
                    call.reply(enc -> enc.writeOpaque(b));
                }
                case THROW -> throw new IllegalStateException("thrown on purpose");
                case THROW_ERROR -> throw new NoClassDefFoundError("org/echofs/Missing (thrown on purpose)");
                case ONE_INT -> {
                    int v = call.args().readInt();
                    if (call.args().remaining() != 0) {
                        call.replyGarbageArgs();
                    } else {
                        call.reply(enc -> enc.writeInt(v));
                    }
                }
                case HOLD, HOLD_CACHED -> held.add(call);
                case COUNT -> {
                    int arg = call.args().readInt();
                    int n = counted.incrementAndGet();
                    call.reply(enc -> enc.writeInt(n).writeInt(arg));
                }
                case WHOAMI -> {
                    Credential c = call.credential();
                    call.reply(enc -> {
                        enc.writeInt(c.flavor());
                        if (c instanceof Credential.Sys s) {
                            enc.writeInt(s.uid()).writeInt(s.gid()).writeInt(s.gids().length);
                            for (int g : s.gids()) enc.writeInt(g);
                            enc.writeString(s.machineName());
                        }
                    });
                }
                case PROC_UNAVAIL -> call.replyProcedureUnavailable();
                case AUTH_TOOWEAK -> call.replyAuthError(AuthStat.AUTH_TOOWEAK);
                case SYSTEM_ERR -> call.replySystemError();
                case TWICE -> {
                    call.reply(enc -> enc.writeInt(1));
                    call.reply(enc -> enc.writeInt(2));
                }
                case DROP -> call.drop();
                case BAD_BODY -> call.reply(enc -> {
                    throw new IllegalArgumentException("cannot write this");
                });
                default -> call.replyProcedureUnavailable();
            }
        } catch (XdrException e) {
            call.replyGarbageArgs();
        }
    }
}
