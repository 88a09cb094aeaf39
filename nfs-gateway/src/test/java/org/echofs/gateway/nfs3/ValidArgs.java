package org.echofs.gateway.nfs3;

import org.echofs.gateway.xdr.XdrEncoder;

import java.util.EnumMap;
import java.util.Map;
import java.util.function.Consumer;

import static org.echofs.gateway.nfs3.Nfs3Fixture.dirop;
import static org.echofs.gateway.nfs3.Nfs3Fixture.modeAttrs;
import static org.echofs.gateway.nfs3.Nfs3Fixture.noAttrs;

/** Well-formed arguments for every procedure against a fixture with {@code /export/f} and {@code /export/d}. */
final class ValidArgs {

    final long file;
    final long dir;
    final Map<Nfs3Proc, Consumer<XdrEncoder>> args = new EnumMap<>(Nfs3Proc.class);

    ValidArgs(Nfs3Fixture f) {
        file = f.volume.file(f.root(), "f", "hello", 0644, 1000, 1000);
        dir = f.volume.mkdirs("/export/d");
        byte[] root = f.fh(f.root());
        byte[] fh = f.fh(file);
        byte[] d = f.fh(dir);
        args.put(Nfs3Proc.GETATTR, e -> e.writeOpaque(fh));
        args.put(Nfs3Proc.SETATTR, e -> {
            e.writeOpaque(fh);
            modeAttrs(e, 0600);
            e.writeBoolean(false);
        });
        args.put(Nfs3Proc.LOOKUP, e -> dirop(e, root, "f"));
        args.put(Nfs3Proc.ACCESS, e -> {
            e.writeOpaque(fh);
            e.writeInt(0x3f);
        });
        args.put(Nfs3Proc.READLINK, e -> e.writeOpaque(fh));
        args.put(Nfs3Proc.READ, e -> {
            e.writeOpaque(fh);
            e.writeLong(0);
            e.writeInt(100);
        });
        args.put(Nfs3Proc.WRITE, e -> {
            e.writeOpaque(fh);
            e.writeLong(0);
            e.writeInt(3);
            e.writeInt(2);
            e.writeOpaque(new byte[] {1, 2, 3});
        });
        args.put(Nfs3Proc.CREATE, e -> {
            dirop(e, root, "new");
            e.writeInt(1);
            noAttrs(e);
        });
        args.put(Nfs3Proc.MKDIR, e -> {
            dirop(e, root, "newdir");
            noAttrs(e);
        });
        args.put(Nfs3Proc.SYMLINK, e -> {
            dirop(e, root, "link");
            noAttrs(e);
            e.writeString("target");
        });
        args.put(Nfs3Proc.MKNOD, e -> {
            dirop(e, root, "dev");
            e.writeInt(4);
            noAttrs(e);
            e.writeInt(1);
            e.writeInt(3);
        });
        args.put(Nfs3Proc.REMOVE, e -> dirop(e, root, "f"));
        args.put(Nfs3Proc.RMDIR, e -> dirop(e, root, "d"));
        args.put(Nfs3Proc.RENAME, e -> {
            dirop(e, root, "f");
            dirop(e, d, "g");
        });
        args.put(Nfs3Proc.LINK, e -> {
            e.writeOpaque(fh);
            dirop(e, d, "hard");
        });
        args.put(Nfs3Proc.READDIR, e -> {
            e.writeOpaque(root);
            e.writeLong(0);
            e.writeLong(0);
            e.writeInt(4096);
        });
        args.put(Nfs3Proc.READDIRPLUS, e -> {
            e.writeOpaque(root);
            e.writeLong(0);
            e.writeLong(0);
            e.writeInt(4096);
            e.writeInt(8192);
        });
        args.put(Nfs3Proc.FSSTAT, e -> e.writeOpaque(root));
        args.put(Nfs3Proc.FSINFO, e -> e.writeOpaque(root));
        args.put(Nfs3Proc.PATHCONF, e -> e.writeOpaque(root));
        args.put(Nfs3Proc.COMMIT, e -> {
            e.writeOpaque(fh);
            e.writeLong(0);
            e.writeInt(0);
        });
    }

    byte[] bytes(Nfs3Proc p) {
        return FakeCall.xdr(args.get(p));
    }
}
