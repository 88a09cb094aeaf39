/**
 * Exports: which subtrees of the volume clients may mount, and on what terms.
 *
 * <p>{@link org.echofs.gateway.export.ExportsParser} reads the exports file (exports(5) syntax
 * plus a required {@code id=}) into an immutable {@link org.echofs.gateway.export.ExportTable};
 * every problem stops start-up with a {@link org.echofs.gateway.export.ConfigException} naming
 * file and line. The table answers, per request, which options apply to a client
 * ({@code access}), and {@link org.echofs.gateway.export.ExportOptions#squash} turns the call's
 * credential into the {@code Caller} storage checks permissions against.
 * {@link org.echofs.gateway.export.ExportRoots} finds (and creates) each export's root directory at
 * start-up.
 *
 * <p>Choices: a client spec that does not parse is an error, never ignored (so is a host name
 * that does not resolve at start-up, a CIDR with host bits set, a netgroup, an option this
 * gateway does not implement such as {@code sync} or {@code no_subtree_check}, and an export with
 * no clients). Contrary options on one list: the last wins. Wildcards match the client's
 * forward-confirmed reverse name, cached for {@link org.echofs.gateway.export.ExportTable#NAME_CACHE_TTL_NANOS}
 * in at most {@link org.echofs.gateway.export.ExportTable#NAME_CACHE_ENTRIES} entries.
 */
package org.echofs.gateway.export;
