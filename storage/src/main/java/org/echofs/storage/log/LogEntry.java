package org.echofs.storage.log;

/** An update record with the log sequence number it was given. LSNs grow by one per record. */
public record LogEntry(long lsn, UpdateRecord record) {
}
