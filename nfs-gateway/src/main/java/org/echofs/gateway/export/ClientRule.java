package org.echofs.gateway.export;

/** One client spec of an export with the options that apply to it. Immutable. */
public record ClientRule(ClientMatcher client, ExportOptions options) {
}
