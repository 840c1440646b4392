#![no_std]
// This file exists so that `tracer` can name this crate as a build-dependency.
