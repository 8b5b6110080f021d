//! The profiles agents act within (SPEC §5.3): the preconfigured five, replaced or extended by
//! the server's configuration; which profile an agent of a kind gets by default; which kinds are
//! cloud agents (denied egress unless a rule allows it).

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use bosun_core::egress;
use bosun_core::profile::{self, Profile};
use serde::Deserialize;

/// What an operator may configure (the `[governance]` table of the config file).
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Governance {
    /// Profiles replacing a preconfigured one of the same name, or added beside them.
    #[serde(default)]
    pub profiles: Vec<Profile>,
    /// Agent kinds that run in someone else's cloud: egress is denied unless a rule allows it.
    /// Default: `cloud`, `codex-cloud`, `claude-code-cloud`, `devin`, `jules`.
    #[serde(default)]
    pub cloud_kinds: Option<Vec<String>>,
    /// The profile an agent of a kind gets when its registration names none (default `worker`).
    #[serde(default)]
    pub kind_profiles: BTreeMap<String, String>,
}

pub const DEFAULT_CLOUD_KINDS: [&str; 5] = ["cloud", "codex-cloud", "claude-code-cloud", "devin", "jules"];

/// A profile with its egress rules parsed.
#[derive(Debug)]
pub struct Entry {
    pub profile: Profile,
    pub egress: egress::Rules,
}

#[derive(Debug)]
pub struct Profiles {
    by_name: HashMap<String, Arc<Entry>>,
    /// In the order they are listed.
    names: Vec<String>,
    cloud_kinds: Vec<String>,
    kind_profiles: BTreeMap<String, String>,
}

impl Profiles {
    pub fn new(config: &Governance) -> Result<Profiles, String> {
        let mut list = profile::builtins();
        for p in &config.profiles {
            profile::validate(p)?;
            match list.iter_mut().find(|b| b.name == p.name) {
                Some(existing) => *existing = p.clone(),
                None => list.push(p.clone()),
            }
        }
        let mut by_name = HashMap::new();
        let mut names = Vec::new();
        for p in list {
            let egress = egress::Rules::parse(&p.egress.allow, &p.egress.deny)?;
            names.push(p.name.clone());
            by_name.insert(p.name.clone(), Arc::new(Entry { profile: p, egress }));
        }
        for (kind, name) in &config.kind_profiles {
            if !by_name.contains_key(name) {
                return Err(format!("kind_profiles: `{kind}` names the unknown profile `{name}`"));
            }
        }
        let cloud_kinds = match &config.cloud_kinds {
            Some(kinds) => kinds.clone(),
            None => DEFAULT_CLOUD_KINDS.iter().map(|k| (*k).to_owned()).collect(),
        };
        Ok(Profiles { by_name, names, cloud_kinds, kind_profiles: config.kind_profiles.clone() })
    }

    pub fn get(&self, name: &str) -> Option<&Arc<Entry>> {
        self.by_name.get(name)
    }

    /// A profile's trust level; a profile the configuration no longer has is suspended (0: fail
    /// closed).
    pub fn trust(&self, name: &str) -> u8 {
        self.get(name).map_or(0, |e| e.profile.trust_level)
    }

    /// A profile's limits; an unknown profile may hold nothing.
    pub fn limits(&self, name: &str) -> bosun_core::profile::Limits {
        self.get(name).map_or_else(Default::default, |e| e.profile.limits)
    }

    /// Every profile, in order (preconfigured first).
    pub fn all(&self) -> impl Iterator<Item = &Arc<Entry>> {
        self.names.iter().filter_map(|n| self.by_name.get(n))
    }

    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// The profile for an agent of `kind` whose registration names none.
    pub fn default_for(&self, kind: &str) -> &str {
        self.kind_profiles.get(kind).map_or(profile::DEFAULT, String::as_str)
    }

    pub fn cloud_kinds(&self) -> &[String] {
        &self.cloud_kinds
    }

    pub fn is_cloud(&self, kind: &str) -> bool {
        self.cloud_kinds.iter().any(|k| k == kind)
    }
}

impl Default for Profiles {
    fn default() -> Self {
        Profiles::new(&Governance::default()).expect("the preconfigured profiles are valid")
    }
}
