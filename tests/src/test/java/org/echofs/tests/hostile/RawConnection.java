package org.echofs.tests.hostile;

import java.io.Closeable;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;

/**
 * One blocking TCP connection to the gateway that writes whatever it is given and reads RPC replies
 * (record marking reassembled here). Closing resets the connection (SO_LINGER 0): an abrupt client,
 * and no TIME_WAIT pile-up on the test side. Used by one thread at a time.
 */
final class RawConnection implements Closeable {

    /** Largest reply record accepted (a READ of 1 MiB plus headers). */
    private static final int MAX_REPLY = 2 * 1024 * 1024;

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;

    private RawConnection(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new DataInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    /** Connects, with {@code readTimeoutMillis} for every later read. */
    static RawConnection open(InetSocketAddress server, int readTimeoutMillis) throws IOException {
        Socket s = new Socket();
        try {
            s.setTcpNoDelay(true);
            s.connect(server, 10_000);
            s.setSoTimeout(readTimeoutMillis);
            return new RawConnection(s);
        } catch (IOException e) {
            s.close();
            throw e;
        }
    }

    void send(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** Sends {@code record} as one last fragment. */
    void sendRecord(byte[] record) throws IOException {
        send(Wire.frame(record));
    }

    /** No more bytes from this side (FIN); the server is expected to close in return. */
    void shutdownOutput() throws IOException {
        socket.shutdownOutput();
    }

    void readTimeout(int millis) throws SocketException {
        socket.setSoTimeout(millis);
    }

    /**
     * The next reply, or null when the server closed the connection (EOF or reset) before one came.
     *
     * @throws SocketTimeoutException when nothing complete arrived within the read timeout
     */
    Wire.Reply readReply() throws IOException {
        byte[] rec = readRecord();
        return rec == null ? null : Wire.parse(rec);
    }

    private byte[] readRecord() throws IOException {
        byte[] record = new byte[0];
        while (true) {
            int header;
            try {
                header = in.readInt();
            } catch (EOFException e) {
                return null;
            } catch (SocketException e) {
                return null; // reset by the server
            }
            int len = header & 0x7fffffff;
            if (record.length + (long) len > MAX_REPLY) {
                throw new IOException("reply fragment of " + len + " bytes");
            }
            byte[] next = new byte[record.length + len];
            System.arraycopy(record, 0, next, 0, record.length);
            try {
                in.readFully(next, record.length, len);
            } catch (EOFException | SocketException e) {
                return null;
            }
            record = next;
            if (header < 0) return record;
        }
    }

    /**
     * Reads and discards until the server closes the connection; true if it did within the read
     * timeout, false if the connection was still open when the timeout passed.
     */
    boolean awaitClosedByServer() throws IOException {
        byte[] buf = new byte[8192];
        InputStream s = socket.getInputStream();
        try {
            while (s.read(buf) >= 0) {
                // discard
            }
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (SocketException e) {
            return true; // reset
        }
    }

    boolean isClosed() {
        return socket.isClosed();
    }

    @Override
    public void close() {
        try {
            socket.setSoLinger(true, 0);
        } catch (SocketException e) {
            // already closed
        }
        try {
            socket.close();
        } catch (IOException e) {
            // nothing to do
        }
    }
}
