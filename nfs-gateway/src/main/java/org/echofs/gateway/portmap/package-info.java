/**
 * The embedded portmapper (program 100000 version 2), an ordinary RPC program over an in-memory
 * registry, run in its own {@link org.echofs.gateway.rpc.RpcServer} when the operator enables it.
 */
package org.echofs.gateway.portmap;
