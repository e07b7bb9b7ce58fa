// @trainkit/architectures: LeNet-5, AlexNet, VGG, Inception, ResNet builders with exact parameter counts.
export {};
