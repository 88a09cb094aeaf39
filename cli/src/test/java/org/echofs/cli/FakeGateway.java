package org.echofs.cli;

import org.echofs.cli.config.ConfigLoader;
import org.echofs.cli.config.GatewayConfig;
import org.echofs.cli.node.DataDir;
import org.echofs.cli.node.GatewayInfo;
import org.echofs.cli.node.RunFiles;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;

/**
 * A stand-in for {@code echofs gateway} in tests of {@code up}, {@code down} and {@code status}:
 * started by the real launcher as {@code FakeGateway gateway --config FILE [--nfs-port=N]}, it
 * reads the configuration with the real loader and, by {@code -Dfake.mode}:
 * {@code serve} answers every RPC call with an accepted SUCCESS reply and writes gateway.json;
 * {@code exit} prints a line and exits 3; {@code silent} writes gateway.json for a port that
 * accepts connections but never replies; {@code nojson} serves but never writes gateway.json.
 * SIGTERM ends it (default JVM behaviour).
 */
public final class FakeGateway {

    private FakeGateway() {
    }

    public static void main(String[] args) throws Exception {
        String mode = System.getProperty("fake.mode", "serve");
        Path config = null;
        Integer nfsPort = null;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--config")) {
                config = Path.of(args[++i]);
            } else if (args[i].startsWith("--nfs-port=")) {
                nfsPort = Integer.parseInt(args[i].substring("--nfs-port=".length()));
            }
        }
        GatewayConfig c = ConfigLoader.load(config);
        System.out.println("fake gateway " + ProcessHandle.current().pid() + " mode " + mode);
        if (mode.equals("exit")) {
            System.out.println("fake gateway failing on purpose");
            System.exit(3);
        }
        int port = nfsPort != null ? nfsPort : c.nfs().port();
        ServerSocket server = new ServerSocket();
        server.bind(new InetSocketAddress(c.bind(), port));
        InetSocketAddress nfs = (InetSocketAddress) server.getLocalSocketAddress();
        if (!mode.equals("nojson")) {
            new RunFiles(new DataDir(c.dir())).writeInfo(GatewayInfo.of(ProcessHandle.current().pid(), nfs, "/export",
                    null, new InetSocketAddress(c.metrics().bind(), 9), c.dir().toString(), "now"));
        }
        while (true) {
            Socket s = server.accept();
            Thread t = new Thread(() -> serve(s, mode.equals("silent")));
            t.setDaemon(true);
            t.start();
        }
    }

    private static void serve(Socket s, boolean silent) {
        try (s) {
            DataInputStream in = new DataInputStream(s.getInputStream());
            DataOutputStream out = new DataOutputStream(s.getOutputStream());
            while (true) {
                int mark = in.readInt();
                byte[] call = new byte[mark & 0x7fffffff];
                in.readFully(call);
                if (silent) {
                    continue;
                }
                int xid = java.nio.ByteBuffer.wrap(call).getInt();
                out.writeInt(0x80000000 | 24);
                out.writeInt(xid);
                out.writeInt(1); // REPLY
                out.writeInt(0); // MSG_ACCEPTED
                out.writeInt(0); // verifier AUTH_NONE
                out.writeInt(0);
                out.writeInt(0); // SUCCESS
                out.flush();
            }
        } catch (IOException e) {
            // connection ended
        }
    }
}
