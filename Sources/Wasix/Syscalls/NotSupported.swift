/// WASIX calls that are not implemented: each answers `notsup` (58), with whatever type the module imports it
/// as, so that binaries importing them still link and see a clean error when they call one.
extension Syscalls {
    static let notSupported: Set<String> = [
        "clock_time_set", "proc_fork_env", "proc_snapshot", "proc_signals_get", "proc_signals_sizes_get",
        "port_bridge", "port_unbridge", "port_dhcp_acquire", "port_addr_add", "port_addr_remove", "port_addr_clear",
        "port_mac", "port_addr_list", "port_gateway_set", "port_route_add", "port_route_remove", "port_route_clear",
        "port_route_list", "sock_join_multicast_v4", "sock_leave_multicast_v4", "sock_join_multicast_v6",
        "sock_leave_multicast_v6", "dl_invalid_handle", "dlopen", "dlsym", "call_dynamic", "closure_prepare",
        "closure_allocate", "closure_free", "reflect_signature", "context_create", "context_switch",
        "context_destroy", "proc_spawn",
    ]
}
