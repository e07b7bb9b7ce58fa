// Class names of the datasets @trainkit/data reads, usable in the browser and in Node.

/** Fashion-MNIST class names in label order (Xiao, Rasul, Vollgraf 2017). */
export const FASHION_MNIST_CLASSES = [
  'T-shirt/top',
  'Trouser',
  'Pullover',
  'Dress',
  'Coat',
  'Sandal',
  'Shirt',
  'Sneaker',
  'Bag',
  'Ankle boot',
] as const;
