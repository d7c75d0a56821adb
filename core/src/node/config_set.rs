//! `CONFIG SET` applied (`configSetCommand`'s apply callbacks, config.c):
//! the settings belong to the whole node, since both parts read them, so
//! the command hands the new values to the node as a [`ConfigSet`]
//! request.

use super::request::{sealed, Request};
use super::Node;
use crate::time::Time;

/// `CONFIG SET name value…`: all the pairs or none (the parsing and
/// validation are [`Config::set_params`](crate::config::Config::set_params)'s).
pub struct ConfigSet<'a> {
    /// The (name, value) pairs, as given.
    pub pairs: &'a [(&'a [u8], &'a [u8])],
    /// The command runs inside EXEC (AOF turned on waits for its end).
    pub in_exec: bool,
}

impl sealed::Sealed for ConfigSet<'_> {}

impl Request for ConfigSet<'_> {
    /// Redis's error text when a value is refused.
    type Answer = Result<(), String>;

    fn apply(self, node: &mut Node, now: Time) -> Result<(), String> {
        let old_pass = node.cfg.requirepass.clone();
        node.config_mut().set_params(self.pairs)?;
        // `updateRequirePass`, when the value changed: the default
        // user's passwords become it (or `nopass` for "").
        let pass = node.cfg.requirepass.clone();
        if pass != old_pass {
            node.server
                .acl
                .set_default_password(pass.as_deref().map(str::as_bytes));
        }
        node.refresh_thresholds();
        // The apply callbacks of config.c (`updateClusterFlags`,
        // `updateClusterHostname`).
        node.update_myself_flags();
        node.update_myself_hostname();
        // `updateAppendonly`: AOF turned on or off.
        node.appendonly_changed(now, self.in_exec);
        // A new `maxmemory-policy` or LFU setting holds from now on
        // (a BGSAVE the cron starts writes IDLE or FREQ by it).
        let clock = node.cfg.aging_clock(now);
        node.server.keyspace.set_clock(clock);
        Ok(())
    }
}
