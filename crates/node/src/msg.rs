//! Bindings of sendmsg/recvmsg, CMSG_LEN/CMSG_SPACE and sendfile. Buffers
//! are borrowed views of the caller's typed arrays for the length of the call.

use napi::bindgen_prelude::*;
use napi_derive::napi;
use pysocket_core::{msg, sendfile as sf, Mode};

use crate::address::{decoded_on, sockaddr, JsAddress};
use crate::error::{Js, Result};

/// `CMSG_LEN(length)`, -1 where CPython raises OverflowError.
#[napi(catch_unwind)]
pub fn cmsg_len(length: i64) -> i64 {
    msg::cmsg_len(length).map_or(-1, |v| v as i64)
}

/// `CMSG_SPACE(length)`, -1 where CPython raises OverflowError.
#[napi(catch_unwind)]
pub fn cmsg_space(length: i64) -> i64 {
    msg::cmsg_space(length).map_or(-1, |v| v as i64)
}

/// sendmsg: `ancMeta` holds `[level, type]` per item of `ancData`.
#[napi(catch_unwind)]
pub fn sendmsg(
    fd: i32,
    bufs: Vec<Uint8ArraySlice>,
    anc_meta: Vec<i32>,
    anc_data: Vec<Uint8ArraySlice>,
    flags: i32,
    addr: Option<&[u8]>,
    timeout: f64,
) -> Result<u32> {
    if anc_meta.len() != 2 * anc_data.len() {
        return Err(crate::error::to_js(pysocket_core::Error::Value(
            "ancillary data levels and types do not match the items".into(),
        )));
    }
    let items: Vec<(i32, i32, &[u8])> = anc_data
        .iter()
        .zip(anc_meta.chunks_exact(2))
        .map(|(d, m)| (m[0], m[1], &d[..]))
        .collect();
    let control = msg::encode_control(&items).js()?;
    let iov: Vec<&[u8]> = bufs.iter().map(|b| &b[..]).collect();
    let to = match addr {
        Some(a) => Some(sockaddr(a)?),
        None => None,
    };
    let n = msg::sendmsg(
        fd,
        &iov,
        &control,
        flags,
        to.as_ref(),
        Mode::from_secs(timeout),
    )
    .js()?;
    Ok(n as u32)
}

/// Bytes handed to JavaScript as a copied Buffer: for the small items of
/// ancillary data a copy is cheaper than an external buffer with a finaliser.
pub(crate) struct Copied(Vec<u8>);

impl ToNapiValue for Copied {
    unsafe fn to_napi_value(env: sys::napi_env, val: Self) -> napi::Result<sys::napi_value> {
        let mut data = std::ptr::null_mut();
        let mut out = std::ptr::null_mut();
        let status = sys::napi_create_buffer_copy(
            env,
            val.0.len(),
            val.0.as_ptr().cast(),
            &mut data,
            &mut out,
        );
        if status != sys::Status::napi_ok {
            return Err(napi::Error::new(
                napi::Status::GenericFailure,
                "napi_create_buffer_copy failed",
            ));
        }
        Ok(out)
    }
}

/// Ancillary items as `[level, type, data]` tuples.
pub(crate) fn js_items(items: Vec<msg::Item>) -> Vec<(i32, i32, Copied)> {
    items
        .into_iter()
        .map(|i| (i.level, i.ty, Copied(i.data)))
        .collect()
}

/// Converts a received message to JavaScript; if that fails, nothing will
/// ever see the fds it carried, so they are closed rather than leaked.
unsafe fn to_js_or_close<T: ToNapiValue>(
    env: sys::napi_env,
    value: T,
    fds: Vec<i32>,
) -> napi::Result<sys::napi_value> {
    let out = T::to_napi_value(env, value);
    if out.is_err() {
        for fd in fds {
            libc::close(fd);
        }
    }
    out
}

/// What recvmsg returns to the TypeScript layer.
/// The received message and the fd it came from (addresses of some
/// families decode according to the socket's protocol).
pub struct JsReceived(msg::Received, i32);

impl ToNapiValue for JsReceived {
    unsafe fn to_napi_value(env: sys::napi_env, val: Self) -> napi::Result<sys::napi_value> {
        let (r, sock) = (val.0, val.1);
        let fds = msg::rights(&r.items);
        let value = (
            r.nbytes as u32,
            js_items(r.items),
            r.msg_flags,
            decoded_on(sock, &r.addr),
            r.malformed,
        );
        to_js_or_close(env, value, fds)
    }
}

impl TypeName for JsReceived {
    fn type_name() -> &'static str {
        "Received"
    }
    fn value_type() -> ValueType {
        ValueType::Object
    }
}

/// recvmsg into `bufs`: `[nbytes, [[level, type, data]...], msg_flags, address, malformed]`.
#[napi(
    catch_unwind,
    ts_return_type = "[number, Array<[number, number, Buffer]>, number, unknown, boolean]"
)]
pub fn recvmsg_into(
    fd: i32,
    mut bufs: Vec<Uint8ArraySlice>,
    ancbufsize: u32,
    flags: i32,
    timeout: f64,
) -> Result<JsReceived> {
    // SAFETY: the views are alive for this call and nothing else writes to
    // them while the syscall runs on this thread.
    let mut views: Vec<&mut [u8]> = bufs.iter_mut().map(|b| unsafe { b.as_mut() }).collect();
    let r = msg::recvmsg(
        fd,
        &mut views,
        ancbufsize as usize,
        flags,
        Mode::from_secs(timeout),
    )
    .js()?;
    Ok(JsReceived(r, fd))
}

/// sendfile from `file` at `offset`; `count` negative for all. Returns the bytes sent.
#[napi(catch_unwind)]
pub fn sendfile(sock: i32, file: i32, offset: i64, count: i64, timeout: f64) -> Result<f64> {
    let count = (count >= 0).then_some(count as u64);
    Ok(sf::sendfile(sock, file, offset, count, Mode::from_secs(timeout)).js()? as f64)
}

/// The control buffer `sendmsg_one` keeps on the stack: an item of up to 60 fds.
const SMALL_CONTROL: usize = 256;

/// sendmsg of `buf` with at most one ancillary item and an optional
/// destination (sockaddr bytes): the common case (send_fds) without
/// building arrays, for fast.rs's `fastSendmsgOne`.
pub(crate) fn send_one(
    fd: i32,
    buf: &[u8],
    anc: Option<(i32, i32, &[u8])>,
    flags: i32,
    addr: Option<&[u8]>,
    mode: Mode,
) -> pysocket_core::Result<usize> {
    // The control data of one item (a few fds) fits on the stack.
    let mut small = [0u8; SMALL_CONTROL];
    let mut big: Vec<u8>;
    let control: &[u8] = match anc {
        Some(item) => {
            let item = [item];
            let len = msg::control_len(&item)?;
            let buf = if len <= SMALL_CONTROL {
                &mut small[..len]
            } else {
                big = vec![0u8; len];
                &mut big[..]
            };
            msg::encode_control_into(&item, buf);
            buf
        }
        None => &[],
    };
    let to = match addr {
        Some(a) => Some(pysocket_core::addr::from_bytes(a)?),
        None => None,
    };
    msg::sendmsg(fd, &[buf], control, flags, to.as_ref(), mode)
}

/// The slots of `recv_one`'s `out` before the items: nbytes, msg_flags,
/// malformed, the count of items.
const OUT_HEAD: usize = 4;
/// The slots per item: level, type, offset and length of its data in `control`.
const OUT_ITEM: usize = 4;

/// The length of `out` that `recv_one` needs for `ancbufsize` bytes of
/// control data: room for as many items as it can hold.
#[napi(catch_unwind)]
pub fn recvmsg_one_out_len(ancbufsize: u32) -> u32 {
    (OUT_HEAD + OUT_ITEM * msg::max_items(ancbufsize as usize)) as u32
}

/// What `recv_one` leaves to its caller: the sender's address and the
/// length of the control data received (where the fds of any SCM_RIGHTS
/// items are).
pub(crate) type ReceivedOne = (JsAddress, usize);

/// recvmsg into `view`, the ancillary data into `ctrl[..ancbufsize]`, where
/// it stays: no object is built per item (fast.rs's `fastRecvmsgOne`).
/// `out` (at least `recvmsgOneOutLen(ancbufsize)` long) receives
/// `[nbytes, msg_flags, malformed, count]`, then `[level, type, offset,
/// length]` of each item's data in `ctrl`. If the items do not fit in
/// `out`, the fds they carried are closed and that is an error.
pub(crate) fn recv_one(
    fd: i32,
    view: &mut [u8],
    ctrl: &mut [u8],
    ancbufsize: usize,
    flags: i32,
    mode: Mode,
    out: &mut [f64],
) -> pysocket_core::Result<ReceivedOne> {
    let Some(ctrl) = ctrl.get_mut(..ancbufsize) else {
        return Err(pysocket_core::Error::Value(
            "recvmsg: the control buffer is shorter than ancbufsize".into(),
        ));
    };
    let r = msg::recvmsg_raw(fd, &mut [view], ctrl, flags, mode)?;
    let data = &ctrl[..r.controllen];
    let mut count = 0;
    let malformed = msg::walk_control(data, |level, ty, range| {
        let at = OUT_HEAD + OUT_ITEM * count;
        if let Some(slot) = out.get_mut(at..at + OUT_ITEM) {
            slot.copy_from_slice(&[
                level as f64,
                ty as f64,
                range.start as f64,
                range.len() as f64,
            ]);
        }
        count += 1;
    });
    if out.len() < OUT_HEAD + OUT_ITEM * count {
        msg::close_rights_in(data);
        return Err(pysocket_core::Error::Value(
            "recvmsg: no room for the ancillary data items".into(),
        ));
    }
    out[..OUT_HEAD].copy_from_slice(&[
        r.nbytes as f64,
        r.msg_flags as f64,
        malformed as u8 as f64,
        count as f64,
    ]);
    Ok((decoded_on(fd, &r.addr), r.controllen))
}
