package org.echofs.gateway.nfs3;

import org.echofs.core.fs.Volume;
import org.echofs.core.fs.VolumeInfo;
import org.echofs.core.writebehind.WriteEpoch;
import org.echofs.gateway.export.ExportTable;
import org.echofs.gateway.handle.HandleCodec;

import java.util.Map;

/** What every handler may use; built once by {@link Nfs3Program}. */
record Nfs3Services(Volume volume, VolumeInfo info, ExportTable exports, Map<Integer, Long> exportRoots,
                    HandleCodec handles, WriteEpoch epoch, Nfs3Config config, Nfs3Metrics metrics) {
}
