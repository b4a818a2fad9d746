/// WASIX calls that are not implemented: each answers `notsup` (58), with whatever type the module imports it
/// as, so that binaries importing them still link and see a clean error when they call one. Sockets (issue 7)
/// will replace most of them.
extension Syscalls {
    static let notSupported: Set<String> = [
        "clock_time_set", "fd_event", "proc_fork_env", "proc_snapshot", "proc_signals_get", "proc_signals_sizes_get",
        "port_bridge", "port_unbridge", "port_dhcp_acquire", "port_addr_add", "port_addr_remove", "port_addr_clear",
        "port_mac", "port_addr_list", "port_gateway_set", "port_route_add", "port_route_remove", "port_route_clear",
        "port_route_list", "sock_status", "sock_addr_local", "sock_addr_peer", "sock_open", "sock_pair",
        "sock_set_opt_flag", "sock_get_opt_flag", "sock_set_opt_time", "sock_get_opt_time", "sock_set_opt_size",
        "sock_get_opt_size", "sock_join_multicast_v4", "sock_leave_multicast_v4", "sock_join_multicast_v6",
        "sock_leave_multicast_v6", "sock_bind", "sock_listen", "sock_accept", "sock_accept_v2", "sock_connect",
        "sock_recv_from", "sock_send_to", "sock_send_file", "resolve", "epoll_create", "epoll_ctl", "epoll_wait",
        "dl_invalid_handle", "dlopen", "dlsym", "call_dynamic", "closure_prepare", "closure_allocate",
        "closure_free", "reflect_signature", "context_create", "context_switch", "context_destroy", "proc_spawn",
    ]
}
