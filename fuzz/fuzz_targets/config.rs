//! The config file (`config::ConfigFile`), its profiles, broker URLs and
//! `[keys]`: any text is read or refused with a message, never a panic; a
//! password in it is refused and never repeated in the message.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::path::Path;
use wpconsole::config::{ConfigFile, Options};
use wpconsole::mqtt::url::BrokerUrl;
use wpconsole::tui::keys::KeyTable;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let path = Path::new("/home/u/.config/wpconsole/config.toml");
    let file = match ConfigFile::parse(text, path) {
        Ok(file) => file,
        Err(err) => {
            let message = err.to_string();
            // A password value a user wrote must not come back on screen.
            if let Ok(table) = text.parse::<toml::Table>()
                && let Some(toml::Value::Table(profiles)) = table.get("profiles")
            {
                for profile in profiles.values() {
                    if let Some(toml::Value::String(password)) =
                        profile.as_table().and_then(|p| p.get("password"))
                        && password.len() >= 4
                    {
                        assert!(
                            !message.contains(password.as_str()),
                            "the password is repeated: {message}"
                        );
                    }
                }
            }
            return;
        }
    };
    let _ = file.profile(None, path);
    for name in file.profiles.keys() {
        let (_, profile) = file.profile(Some(name), path).expect("a listed profile");
        let options = Options::default().over(profile.anchored_at(Path::new("/home/u")));
        if let Some(broker) = &options.broker {
            let _ = BrokerUrl::parse(broker).map(|url| url.authority());
        }
    }
    if let Ok(table) = KeyTable::rebound(&file.keys) {
        let _ = table.check();
    }
});
