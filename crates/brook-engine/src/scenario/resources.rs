//! What each broker can do per second: its network, its disk and its request handler threads
//! (`cluster.resources`). The defaults are a broker no preset saturates, so a scenario that
//! does not set them runs as it did before brokers had limits.

use serde::{Deserialize, Serialize};

/// One broker's resources (every broker of the cluster has the same).
///
/// Produce requests pass Kafka's broker pipeline: a network thread reads them off the socket
/// (`SocketServer.Processor`, here the network in budget) into the request queue
/// (`RequestChannel`, at most `queued.max.requests`; when full, the network threads stop
/// reading), a request handler thread (`KafkaRequestHandlerPool`, `num.io.threads`) appends
/// them (the disk write budget), and the response goes back through the network out budget.
/// Follower fetches and consumer fetches use the same network and disk budgets.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BrokerResources {
    /// Bytes a broker reads from the network per second (produce requests, and the records
    /// its follower replicas fetch). Default 1,250,000,000 (a 10 Gbit/s link).
    #[serde(default = "default_network_bytes_per_sec")]
    pub network_in_bytes_per_sec: u64,
    /// Bytes a broker sends per second (fetch responses to consumers and followers; produce
    /// responses wait behind them). Default 1,250,000,000.
    #[serde(default = "default_network_bytes_per_sec")]
    pub network_out_bytes_per_sec: u64,
    /// Bytes a broker writes to its logs per second (appends as leader and as follower).
    /// Default 1,000,000,000.
    #[serde(default = "default_disk_write_bytes_per_sec")]
    pub disk_write_bytes_per_sec: u64,
    /// `num.io.threads`: request handler threads. Kafka's default 8.
    #[serde(default = "default_num_io_threads")]
    pub num_io_threads: u32,
    /// `queued.max.requests`: requests the request queue holds before the network threads
    /// stop reading. Kafka's default 500.
    #[serde(default = "default_queued_max_requests")]
    pub queued_max_requests: u32,
    /// A produce request's handler time, fixed part, us. Default 10 (with 8 threads, 800,000
    /// small requests a second).
    #[serde(default = "default_request_cost_us")]
    pub request_cost_us: u32,
    /// A produce request's handler time per byte it carries, ns. Default 1 (1 GB/s a thread).
    #[serde(default = "default_request_cost_ns_per_byte")]
    pub request_cost_ns_per_byte: u32,
}

impl Default for BrokerResources {
    fn default() -> Self {
        BrokerResources {
            network_in_bytes_per_sec: default_network_bytes_per_sec(),
            network_out_bytes_per_sec: default_network_bytes_per_sec(),
            disk_write_bytes_per_sec: default_disk_write_bytes_per_sec(),
            num_io_threads: default_num_io_threads(),
            queued_max_requests: default_queued_max_requests(),
            request_cost_us: default_request_cost_us(),
            request_cost_ns_per_byte: default_request_cost_ns_per_byte(),
        }
    }
}

fn default_network_bytes_per_sec() -> u64 {
    1_250_000_000
}
fn default_disk_write_bytes_per_sec() -> u64 {
    1_000_000_000
}
fn default_num_io_threads() -> u32 {
    8
}
fn default_queued_max_requests() -> u32 {
    500
}
fn default_request_cost_us() -> u32 {
    10
}
fn default_request_cost_ns_per_byte() -> u32 {
    1
}
