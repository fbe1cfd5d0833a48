//! A plain MQTT client (rumqttc, not wpconsole) on the side of the test:
//! what really reached the broker, and messages published from outside.

use std::sync::mpsc;
use std::time::Duration;

/// A plain MQTT subscriber (rumqttc, not wpconsole) that reports every
/// publish it receives, for checking what really reached the broker.
pub struct Observer {
    pub messages: mpsc::Receiver<(String, Vec<u8>)>,
    _client: rumqttc::Client,
}

impl Observer {
    pub fn subscribe(port: u16, filter: &str) -> Self {
        let mut options =
            rumqttc::MqttOptions::new(format!("observer-{}", fastrand::u32(..)), "127.0.0.1", port);
        options.set_max_packet_size(4 << 20, 4 << 20);
        let (client, mut connection) = rumqttc::Client::new(options, 64);
        client
            .subscribe(filter, rumqttc::QoS::AtMostOnce)
            .expect("subscribe");
        let (tx, messages) = mpsc::channel();
        let (ready_tx, ready) = mpsc::channel();
        std::thread::spawn(move || {
            for event in connection.iter() {
                match event {
                    Ok(rumqttc::Event::Incoming(rumqttc::Packet::SubAck(_))) => {
                        let _ = ready_tx.send(());
                    }
                    Ok(rumqttc::Event::Incoming(rumqttc::Packet::Publish(p))) => {
                        if tx.send((p.topic.clone(), p.payload.to_vec())).is_err() {
                            return;
                        }
                    }
                    Ok(_) => {}
                    Err(_) => std::thread::sleep(Duration::from_millis(50)),
                }
            }
        });
        ready
            .recv_timeout(Duration::from_secs(10))
            .expect("observer subscribed");
        Self {
            messages,
            _client: client,
        }
    }

    /// Publishes with a separate plain client.
    pub fn publish(port: u16, topic: &str, payload: Vec<u8>) {
        let mut options = rumqttc::MqttOptions::new(
            format!("publisher-{}", fastrand::u32(..)),
            "127.0.0.1",
            port,
        );
        options.set_max_packet_size(4 << 20, 4 << 20);
        let (client, mut connection) = rumqttc::Client::new(options, 8);
        client
            .publish(topic, rumqttc::QoS::AtMostOnce, false, payload)
            .expect("queue publish");
        client.disconnect().expect("queue disconnect");
        for event in connection.iter() {
            match event {
                Ok(rumqttc::Event::Outgoing(rumqttc::Outgoing::Disconnect)) | Err(_) => break,
                Ok(_) => {}
            }
        }
    }
}
