//! CLUSTER and its subcommands (cluster.c).
//! One line per command: name, arity, flags, keys (first, last, step),
//! ACL categories, handler, propagation.

use super::Run::*;
use super::{command, subcommand, CommandSpec};
use crate::command::cluster;

#[rustfmt::skip]
pub(super) const COMMANDS: &[CommandSpec] = &[
    command!("cluster", -2, 0, (0, 0, 0), ["@slow"], Container, No, CLUSTER_SUBCOMMANDS),
];

/// CLUSTER's subcommands, sorted by name.
#[rustfmt::skip]
const CLUSTER_SUBCOMMANDS: &[CommandSpec] = &[
    subcommand!("addslots", -3, Reply(cluster::addslots)),
    subcommand!("addslotsrange", -4, Reply(cluster::addslotsrange)),
    subcommand!("bumpepoch", 2, Reply(cluster::bumpepoch)),
    subcommand!("count-failure-reports", 3, Reply(cluster::count_failure_reports)),
    subcommand!("countkeysinslot", 3, Reply(cluster::countkeysinslot)),
    subcommand!("delslots", -3, Reply(cluster::delslots)),
    subcommand!("delslotsrange", -4, Reply(cluster::delslotsrange)),
    subcommand!("failover", -2, Reply(cluster::failover)),
    subcommand!("flushslots", 2, Reply(cluster::flushslots)),
    subcommand!("forget", 3, Reply(cluster::forget)),
    subcommand!("getkeysinslot", 4, Reply(cluster::getkeysinslot)),
    subcommand!("help", 2, Reply(cluster::help)),
    subcommand!("info", 2, Reply(cluster::info)),
    subcommand!("keyslot", 3, Reply(cluster::keyslot)),
    subcommand!("links", 2, Reply(cluster::links)),
    subcommand!("meet", -4, Reply(cluster::meet)),
    subcommand!("myid", 2, Reply(cluster::myid)),
    subcommand!("nodes", 2, Reply(cluster::nodes)),
    subcommand!("replicas", 3, Reply(cluster::replicas)),
    subcommand!("replicate", 3, Reply(cluster::replicate)),
    subcommand!("reset", -2, Reply(cluster::reset)),
    subcommand!("saveconfig", 2, Reply(cluster::saveconfig)),
    subcommand!("set-config-epoch", 3, Reply(cluster::set_config_epoch)),
    subcommand!("setslot", -4, Reply(cluster::setslot)),
    subcommand!("shards", 2, Reply(cluster::shards)),
    subcommand!("slaves", 3, Reply(cluster::replicas)),
    subcommand!("slots", 2, Reply(cluster::slots)),
];
