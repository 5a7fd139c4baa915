//! Balance Checkout widget.
