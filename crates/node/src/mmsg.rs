//! Bindings of recvmmsg/sendmmsg (Linux; core `mmsg`). The TypeScript layer
//! (lib/mmsg.ts) checks the arguments and flattens a batch into a few arrays
//! so that the addon walks no nested JavaScript values.

use napi::bindgen_prelude::*;
use napi_derive::napi;
use pysocket_core::{addr, mmsg, msg, Error as CoreError, Mode};

use crate::address::{sockaddr, JsAddress};
use crate::error::{to_js, Js, Result};
use crate::msg::js_items;

/// The messages of a received batch, as `[address, ancdata | null]` pairs
/// in one flat array (the counts travel in the caller's Int32Array).
pub struct JsBatch(Vec<mmsg::Received>, i32);

impl ToNapiValue for JsBatch {
    unsafe fn to_napi_value(env: sys::napi_env, val: Self) -> napi::Result<sys::napi_value> {
        let (batch, sock) = (val.0, val.1);
        let fds: Vec<i32> = batch.iter().flat_map(|r| msg::rights(&r.items)).collect();
        let out = (|| {
            let mut arr = std::ptr::null_mut();
            check(sys::napi_create_array_with_length(
                env,
                2 * batch.len(),
                &mut arr,
            ))?;
            for (i, r) in batch.into_iter().enumerate() {
                let a = match addr::decode_on(&r.addr, sock) {
                    addr::Address::None => Null::to_napi_value(env, Null)?,
                    decoded => ToNapiValue::to_napi_value(env, JsAddress(decoded))?,
                };
                let items = if r.items.is_empty() {
                    Null::to_napi_value(env, Null)?
                } else {
                    ToNapiValue::to_napi_value(env, js_items(r.items))?
                };
                check(sys::napi_set_element(env, arr, (2 * i) as u32, a))?;
                check(sys::napi_set_element(env, arr, (2 * i + 1) as u32, items))?;
            }
            Ok(arr)
        })();
        if out.is_err() {
            // Nothing will ever see the fds the batch carried.
            for fd in fds {
                libc::close(fd);
            }
        }
        out
    }
}

fn check(status: sys::napi_status) -> napi::Result<()> {
    if status == sys::Status::napi_ok {
        Ok(())
    } else {
        Err(napi::Error::new(
            napi::Status::GenericFailure,
            "building the batch failed",
        ))
    }
}

impl TypeName for JsBatch {
    fn type_name() -> &'static str {
        "Batch"
    }
    fn value_type() -> ValueType {
        ValueType::Object
    }
}

/// recvmmsg of up to `vlen` messages, message `i` into
/// `data[i * bufsize..][..bufsize]`. `counts` receives
/// `[nbytes, msg_flags, malformed]` per message; returns
/// `[address, ancdata | null, ...]`, two entries per message received.
#[napi(catch_unwind, ts_return_type = "Array<unknown>")]
#[allow(clippy::too_many_arguments)]
pub fn recvmmsg(
    fd: i32,
    mut data: Uint8ArraySlice,
    bufsize: u32,
    vlen: u32,
    ancbufsize: u32,
    flags: i32,
    timeout: f64,
    mut counts: Int32ArraySlice,
) -> Result<JsBatch> {
    // SAFETY: the views are alive for this call and nothing else writes to
    // them while the syscall runs on this thread.
    let data = unsafe { data.as_mut() };
    let counts = unsafe { counts.as_mut() };
    let vlen = (vlen as usize).min(counts.len() / 3);
    let batch = mmsg::recvmmsg(
        fd,
        data,
        bufsize as usize,
        vlen,
        ancbufsize as usize,
        flags,
        Mode::from_secs(timeout),
    )
    .js()?;
    for (i, r) in batch.iter().enumerate() {
        counts[3 * i] = r.nbytes as i32;
        counts[3 * i + 1] = r.msg_flags;
        counts[3 * i + 2] = r.malformed as i32;
    }
    Ok(JsBatch(batch, fd))
}

/// The most messages one recvmmsg/sendmmsg call takes.
#[napi(catch_unwind)]
pub fn mmsg_max_vlen() -> u32 {
    mmsg::MAX_VLEN as u32
}

fn layout_error() -> napi::Error {
    to_js(CoreError::Value(
        "sendmmsg: inconsistent batch layout".into(),
    ))
}

/// sendmmsg of `count` messages. `layout` holds `[nbufs, nanc, flags,
/// addrlen]` per message, then `[level, type]` per ancillary item; `bufs`
/// and `anc` are every message's buffers and item data in order, `addrs`
/// the encoded destinations one after another. Returns how many were sent.
#[napi(catch_unwind)]
#[allow(clippy::too_many_arguments)]
pub fn sendmmsg(
    fd: i32,
    count: u32,
    layout: &[i32],
    bufs: Vec<Uint8ArraySlice>,
    anc: Vec<Uint8ArraySlice>,
    addrs: &[u8],
    flags: i32,
    timeout: f64,
) -> Result<u32> {
    let count = count as usize;
    let head = count.checked_mul(4).ok_or_else(layout_error)?;
    let (per_msg, items) = (
        layout.get(..head).ok_or_else(layout_error)?,
        layout.get(head..).unwrap_or(&[]),
    );
    if items.len() != 2 * anc.len() {
        return Err(layout_error());
    }
    let (mut b, mut a, mut at) = (0usize, 0usize, 0usize);
    let mut out = Vec::with_capacity(count);
    for m in per_msg.chunks_exact(4) {
        let [nbufs, nanc, _, alen] = [m[0], m[1], m[2], m[3]].map(|v| v.max(0) as usize);
        let parts = bufs.get(b..b + nbufs).ok_or_else(layout_error)?;
        let data = anc.get(a..a + nanc).ok_or_else(layout_error)?;
        let control: Vec<(i32, i32, &[u8])> = data
            .iter()
            .enumerate()
            .map(|(k, d)| (items[2 * (a + k)], items[2 * (a + k) + 1], &d[..]))
            .collect();
        let addr = match alen {
            0 => None,
            n => Some(sockaddr(addrs.get(at..at + n).ok_or_else(layout_error)?)?),
        };
        out.push(mmsg::Outgoing {
            bufs: parts.iter().map(|p| &p[..]).collect(),
            control: msg::encode_control(&control).js()?,
            addr,
            flags: m[2],
        });
        b += nbufs;
        a += nanc;
        at += alen;
    }
    let n = mmsg::sendmmsg(fd, &out, flags, Mode::from_secs(timeout)).js()?;
    Ok(n as u32)
}
