"""The embedding MLP: its shapes, the lecture's manual tensor backprop with numbers, and the
scalar autodiff that checks it."""
