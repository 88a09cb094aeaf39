package org.echofs.gateway.nfs3;

import io.netty.buffer.Unpooled;
import org.echofs.gateway.xdr.XdrDecoder;
import org.echofs.gateway.xdr.XdrEncoder;
import org.echofs.gateway.xdr.XdrException;
import org.junit.jupiter.api.Test;

import java.util.function.Consumer;

import static org.echofs.gateway.nfs3.Nfs3Fixture.ALICE;
import static org.echofs.gateway.nfs3.Nfs3Fixture.LOCAL;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the NFS program asks the RPC server to reserve for a reply before dispatching the call:
 * READ, READDIR and READDIRPLUS their counts (capped at rtmax), READLINK a whole path, the rest a
 * small constant; and every reply fits what was reserved.
 */
class ReplyReservationTest {

    private final Nfs3Fixture f = new Nfs3Fixture(new Nfs3Config(64 * 1024, 8192, 8192));

    private int reservation(Nfs3Proc proc, Consumer<XdrEncoder> args) throws XdrException {
        return f.program.replyReservation(Nfs3Program.VERSION, proc.ordinal(),
                new XdrDecoder(Unpooled.wrappedBuffer(FakeCall.xdr(args))));
    }

    private Consumer<XdrEncoder> read(long id, long count) {
        return e -> e.writeOpaque(f.fh(id)).writeLong(0).writeInt((int) count);
    }

    @Test
    void readReservesItsCountCappedAtRtmax() throws Exception {
        assertEquals(4096 + ReadHandler.OVERHEAD, reservation(Nfs3Proc.READ, read(f.root(), 4096)));
        assertEquals(64 * 1024 + ReadHandler.OVERHEAD, reservation(Nfs3Proc.READ, read(f.root(), 0xFFFFFFFFL)));
        // Any handle length: the handle is skipped, not judged.
        assertEquals(10 + ReadHandler.OVERHEAD, reservation(Nfs3Proc.READ,
                e -> e.writeOpaque(new byte[70]).writeLong(5).writeInt(10)));
    }

    @Test
    void readdirAndReaddirplusReserveTheirCounts() throws Exception {
        byte[] fh = f.fh(f.root());
        assertEquals(8192, reservation(Nfs3Proc.READDIR, e -> e.writeOpaque(fh).writeLong(0).writeLong(0).writeInt(8192)));
        assertEquals(32768, reservation(Nfs3Proc.READDIRPLUS,
                e -> e.writeOpaque(fh).writeLong(0).writeLong(0).writeInt(4096).writeInt(32768)));
        assertEquals(64 * 1024, reservation(Nfs3Proc.READDIRPLUS,
                e -> e.writeOpaque(fh).writeLong(0).writeLong(0).writeInt(4096).writeInt(-1)));
    }

    @Test
    void otherProceduresReserveLittle() throws Exception {
        assertEquals(ReadlinkHandler.MAX_REPLY, reservation(Nfs3Proc.READLINK, e -> e.writeOpaque(f.fh(f.root()))));
        for (Nfs3Proc p : new Nfs3Proc[] {Nfs3Proc.NULL, Nfs3Proc.GETATTR, Nfs3Proc.WRITE, Nfs3Proc.CREATE,
                Nfs3Proc.RENAME, Nfs3Proc.FSSTAT}) {
            assertEquals(Nfs3Program.SMALL_REPLY, reservation(p, e -> { }), p.name());
        }
        assertEquals(Nfs3Program.SMALL_REPLY, f.program.replyReservation(3, 99,
                new XdrDecoder(Unpooled.EMPTY_BUFFER)));
    }

    @Test
    void cutShortArgumentsThrowForTheServerToUseItsDefault() {
        assertThrows(XdrException.class, () -> reservation(Nfs3Proc.READ, e -> e.writeOpaque(new byte[8])));
        assertThrows(XdrException.class, () -> reservation(Nfs3Proc.READ, e -> e.writeInt(1 << 20)));
        assertThrows(XdrException.class, () -> reservation(Nfs3Proc.READDIRPLUS, e -> e.writeOpaque(new byte[8])));
    }

    @Test
    void repliesFitTheirReservations() throws Exception {
        byte[] data = new byte[50_000];
        java.util.Arrays.fill(data, (byte) 'x');
        long file = f.volume.file(f.root(), "big", new String(data, java.nio.charset.StandardCharsets.US_ASCII), 0644,
                1000, 1000);
        for (long count : new long[] {1, 4096, 49_999, 50_000, 1 << 20}) {
            FakeCall c = f.call(Nfs3Proc.READ, ALICE, LOCAL, read(file, count));
            int body = c.body().length;
            int reserved = reservation(Nfs3Proc.READ, read(file, count));
            assertTrue(body <= reserved, "READ " + count + ": reply of " + body + " bytes, " + reserved + " reserved");
        }
        FakeCall dir = f.call(Nfs3Proc.READDIRPLUS, ALICE, LOCAL,
                e -> e.writeOpaque(f.fh(f.root())).writeLong(0).writeLong(0).writeInt(4096).writeInt(1024));
        assertTrue(dir.body().length <= 1024, "READDIRPLUS reply of " + dir.body().length + " bytes");
    }
}
