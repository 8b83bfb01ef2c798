//! Calls layer tests: a phone, the PBX and callees or providers on a simulated wire.

mod net;
