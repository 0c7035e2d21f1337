//! Payload shapes whose TypeScript must match what `JSON.parse` yields: several arguments, nested structs,
//! serde renames and tags, options, maps, tuples, unit-only enums.

use std::collections::{BTreeMap, HashMap};

use ipc_runtime::{Caller, channels};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Point {
    pub x_pos: f64,
    pub y_pos: f64,
}

/// A shape, tagged the serde way.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "type", content = "data", rename_all = "snake_case")]
pub enum Shape {
    Circle { center: Point, radius: f64 },
    Polygon(Vec<Point>),
    Empty,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
pub enum Color {
    Red,
    Green,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Drawing {
    pub shapes: Vec<Shape>,
    pub labels: HashMap<String, Option<String>>,
    pub palette: BTreeMap<Color, u32>,
    pub anchor: (i32, i32),
    #[serde(rename = "z-index")]
    pub z_index: u8,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub enum DrawError {
    TooManyShapes(u32),
    Empty,
}

#[channels(allow_origins = ["app://main"], namespace = "draw")]
pub trait Shapes {
    /// Several arguments of different shapes.
    #[invoke]
    async fn place(&self, caller: Caller, shape: Shape, color: Color, scale: Option<f64>) -> Shape;

    /// A nested structure through and back.
    #[invoke(name = "draw:summarise-v2")]
    async fn summarise(&self, caller: Caller, drawing: Drawing) -> Result<Drawing, DrawError>;

    /// No arguments, unit reply.
    #[invoke]
    async fn clear(&self, caller: Caller);

    /// Several event arguments.
    #[event]
    fn moved(shape: Shape, to: Point);

    /// An event with no arguments.
    #[event]
    fn cleared();
}

#[derive(Debug, Default)]
pub struct ShapesImpl;

impl Shapes for ShapesImpl {
    async fn place(
        &self,
        _caller: Caller,
        shape: Shape,
        color: Color,
        scale: Option<f64>,
    ) -> Shape {
        let factor = scale.unwrap_or(1.0) * if color == Color::Red { 2.0 } else { 1.0 };
        match shape {
            Shape::Circle { center, radius } => Shape::Circle {
                center,
                radius: radius * factor,
            },
            other => other,
        }
    }

    async fn summarise(&self, _caller: Caller, drawing: Drawing) -> Result<Drawing, DrawError> {
        match drawing.shapes.len() {
            0 => Err(DrawError::Empty),
            n if n > 100 => Err(DrawError::TooManyShapes(
                u32::try_from(n).unwrap_or(u32::MAX),
            )),
            _ => Ok(Drawing {
                z_index: drawing.z_index.saturating_add(1),
                ..drawing
            }),
        }
    }

    async fn clear(&self, _caller: Caller) {}
}
